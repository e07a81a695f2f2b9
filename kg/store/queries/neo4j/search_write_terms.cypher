// Store a node's searchable text and keyword terms (full-text index cem_terms); the keyword
// stage, its vector is untouched.
UNWIND $rows AS row
MATCH (n:Node {id: row.id})
SET n.search_text = row.text, n.search_terms = row.terms
RETURN count(n) AS written
