// Search index bookkeeping for the nodes of a label (all, or those in $ids): their properties and
// whether kglite's embedding store holds a vector for them.
MATCH (n:__LABEL__)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n.id AS id, properties(n) AS properties, embedding_norm(n, 'search_text_emb') IS NOT NULL AS has_vector
