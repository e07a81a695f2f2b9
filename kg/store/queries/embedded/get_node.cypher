// kglite leaves the property updated_at out of properties(n) and keys(n) (0.21.2); it is read
// by name so that no reader (export, backup, pages) loses it.
MATCH (n {id: $id})
RETURN n.id AS id, labels(n) AS labels, properties(n) AS properties, n.updated_at AS updated_at
