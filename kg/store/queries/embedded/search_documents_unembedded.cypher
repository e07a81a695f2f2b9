// Search index bookkeeping for a label that has no embedding store yet.
MATCH (n:__LABEL__)
RETURN n.id AS id, properties(n) AS properties, false AS has_vector
