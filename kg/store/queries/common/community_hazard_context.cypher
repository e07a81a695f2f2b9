// What the graph says about a hazard (and its family): the plans that cover it and the duties
// that address it, with their holders.
MATCH (h:Hazard {id: $hazard})
OPTIONAL MATCH (h)-[:SUBTYPE_OF]->(f:Hazard)
WITH h, [h.id] + collect(f.id) AS ids
OPTIONAL MATCH (p:Plan)-[:COVERS]->(x:Hazard) WHERE x.id IN ids
WITH h, ids, collect(DISTINCT {id: p.id, name: p.name}) AS plans
OPTIONAL MATCH (d:Duty)-[:ADDRESSES]->(y:Hazard) WHERE y.id IN ids
OPTIONAL MATCH (d)-[:IN_PHASE]->(ph:Phase)
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN plans, d.id AS duty, d.name AS duty_name, ph.id AS phase, y.id = h.id AS exact,
       collect(DISTINCT {id: o.id, name: o.name, kind: o.kind}) AS holders
