// Search index bookkeeping for every node of a label (the vector itself stays on the server).
MATCH (n:__LABEL__)
RETURN n.id AS id, n {.*, embedding: null} AS properties, n.embedding IS NOT NULL AS has_vector
