// Every relationship of the given types (the training catalogue).
MATCH (a)-[r]->(b)
WHERE type(r) IN $types
RETURN type(r) AS type, a.id AS start, b.id AS end
