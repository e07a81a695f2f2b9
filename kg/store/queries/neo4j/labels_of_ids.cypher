// The label of each existing node among $ids.
UNWIND $ids AS wanted
MATCH (n:Node {id: wanted})
RETURN n.id AS id, labels(n) AS labels
