// Search index bookkeeping for every node of a label: its properties and whether kglite's
// embedding store holds a vector for it.
MATCH (n:__LABEL__)
RETURN n.id AS id, properties(n) AS properties, embedding_norm(n, 'search_text_emb') IS NOT NULL AS has_vector
