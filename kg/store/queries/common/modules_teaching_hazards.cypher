// Course modules that teach a hazard directly or through one of their units.
MATCH (m:Module)-[:HAS_UNIT]->(u:Unit)-[:TEACHES]->(h:Hazard)
RETURN DISTINCT h.id AS hazard, m.id AS module
UNION
MATCH (m:Module)-[:TEACHES]->(h:Hazard)
RETURN DISTINCT h.id AS hazard, m.id AS module
