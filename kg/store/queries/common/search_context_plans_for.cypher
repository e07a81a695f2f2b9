// Plans covering any of these hazards, best covered first.
MATCH (p:Plan)-[:COVERS]->(h:Hazard)
WHERE h.id IN $hazards
RETURN p.id AS id, p.name AS name, count(DISTINCT h) AS shared
ORDER BY shared DESC, id
LIMIT $limit
