// A node's links for its page and graph view (see the common version).
MATCH (n:Node {id: $id})-[r]-(m)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS rel,
       m.id AS id, labels(m) AS labels, m.name AS name, m.name_en AS name_en, m.community AS community
