// The second hop of the graph view: the relationships of several nodes without their properties
// (the view draws type and ends only), each with the node at the other end in brief; leaves out $root.
UNWIND $ids AS mid
MATCH (m {id: mid})-[r]-(x)
WHERE x.id <> $root
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, m.id AS via,
       x.id AS id, labels(x) AS labels, x.name AS name, x.name_en AS name_en, x.community AS community
