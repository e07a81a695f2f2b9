// The relationships between $ids and the nodes of $keep (see the common version).
UNWIND $ids AS mid
MATCH (m:Node {id: mid})-[r]-(x:Node)
WHERE x.id IN $keep
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, m.id AS via,
       x.id AS id, labels(x) AS labels, x.name AS name, x.name_en AS name_en, x.community AS community
