UNWIND $ids AS wanted
MATCH (n:Node {id: wanted})
RETURN n.id AS id, labels(n) AS labels, n {.*, embedding: null} AS properties
