// Plans that cover any of these hazards (for "ask about a situation").
MATCH (p:Plan)-[:COVERS]->(h:Hazard)
WHERE h.id IN $hazards
RETURN DISTINCT p.id AS id
