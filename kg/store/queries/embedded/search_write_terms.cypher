// Store a node's searchable text and keyword terms (the keyword stage; its vector is untouched).
UNWIND $rows AS row
MATCH (n:__LABEL__ {id: row.id})
SET n.search_text = row.text, n.search_terms = row.terms
RETURN count(n) AS written
