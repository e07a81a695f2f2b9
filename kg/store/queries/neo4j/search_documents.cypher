// Search index bookkeeping for the nodes of a label (all, or those in $ids); the vector itself
// stays on the server.
MATCH (n:__LABEL__)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n.id AS id, n {.*, embedding: null} AS properties, n.embedding IS NOT NULL AS has_vector
