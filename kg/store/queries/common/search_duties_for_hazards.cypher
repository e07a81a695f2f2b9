// Duties that address any of these hazards (for "ask about a situation").
MATCH (d:Duty)-[:ADDRESSES]->(h:Hazard)
WHERE h.id IN $hazards
RETURN DISTINCT d.id AS id
