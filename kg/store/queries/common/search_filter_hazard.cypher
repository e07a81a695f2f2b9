// Search filter: a hazard (or a family with all its hazards) and the nodes that deal with it.
MATCH (f:Hazard {id: $hazard})
OPTIONAL MATCH (h:Hazard)-[:SUBTYPE_OF]->(f)
WITH f, collect(h) AS members
WITH [f] + members AS hazards
UNWIND hazards AS h
OPTIONAL MATCH (n)-[:ADDRESSES|COVERS|ABOUT|INVOLVED|MITIGATES|TEACHES|REQUIRES]->(h)
WITH collect(DISTINCT h.id) AS hs, collect(DISTINCT n.id) AS ns
RETURN hs + ns AS ids
