// Create or update nodes by business key; the node ends with exactly the given properties
// (the search index's own properties, which are never content, are kept: see kg.search).
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:__LABEL__
WITH n, row, n.embedding AS embedding, n.search_text AS search_text, n.search_terms AS search_terms,
     n.search_hash AS search_hash, n.search_model AS search_model
SET n = row.properties
SET n.embedding = embedding, n.search_text = search_text, n.search_terms = search_terms,
    n.search_hash = search_hash, n.search_model = search_model
RETURN count(n) AS written
