// Store a node's searchable text, its keyword terms (full-text index cem_terms), hash/model, and
// its vector (vector index cem_embedding) as a float32 vector property.
UNWIND $rows AS row
MATCH (n:Node {id: row.id})
SET n.search_text = row.text, n.search_terms = row.terms, n.search_hash = row.hash, n.search_model = row.model
WITH n, row
CALL db.create.setNodeVectorProperty(n, 'embedding', row.vector)
RETURN count(n) AS written
