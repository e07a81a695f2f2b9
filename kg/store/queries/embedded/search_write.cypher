// Store a node's searchable text, its keyword terms and the hash/model of its vector.
UNWIND $rows AS row
MATCH (n:__LABEL__ {id: row.id})
SET n.search_text = row.text, n.search_terms = row.terms, n.search_hash = row.hash, n.search_model = row.model
RETURN count(n) AS written
