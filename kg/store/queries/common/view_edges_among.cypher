// The relationships between $ids and the nodes of $keep, without their properties, each with the
// node at the $keep end in brief: the edges of the nodes a graph view draws.
UNWIND $ids AS mid
MATCH (m {id: mid})-[r]-(x)
WHERE x.id IN $keep
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, m.id AS via,
       x.id AS id, labels(x) AS labels, x.name AS name, x.name_en AS name_en, x.community AS community
