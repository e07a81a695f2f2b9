// Store a node's searchable text (full-text index cem_fulltext), hash/model, and its vector
// (vector index cem_embedding) as a float32 vector property.
UNWIND $rows AS row
MATCH (n:Node {id: row.id})
SET n.search_text = row.text, n.search_hash = row.hash, n.search_model = row.model
WITH n, row
CALL db.create.setNodeVectorProperty(n, 'embedding', row.vector)
RETURN count(n) AS written
