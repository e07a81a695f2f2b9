// Plans that cover these hazards (or their families).
MATCH (h:Hazard) WHERE h.id IN $hazards
OPTIONAL MATCH (h)-[:SUBTYPE_OF]->(f:Hazard)
WITH h, [h.id] + collect(f.id) AS ids
MATCH (p:Plan)-[:COVERS]->(x:Hazard) WHERE x.id IN ids
RETURN h.id AS hazard, collect(DISTINCT {id: p.id, name: p.name}) AS plans
