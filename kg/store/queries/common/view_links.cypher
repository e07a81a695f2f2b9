// A node's links for its page and graph view: each relationship with its properties and, for the
// node at the other end, what a reader shows (name) and what the access policy needs (labels,
// community) — not the whole node.
MATCH (n {id: $id})-[r]-(m)
RETURN type(r) AS type, startNode(r).id AS start, endNode(r).id AS end, properties(r) AS rel,
       m.id AS id, labels(m) AS labels, m.name AS name, m.name_en AS name_en, m.community AS community
