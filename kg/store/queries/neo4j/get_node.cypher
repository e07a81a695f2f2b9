MATCH (n:Node {id: $id})
RETURN n.id AS id, labels(n) AS labels, n {.*, embedding: null} AS properties
