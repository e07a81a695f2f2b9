MATCH (m)-[r]->(n:Node {id: $id})
WHERE type(r) IN $types
DELETE r
RETURN count(r) AS removed
