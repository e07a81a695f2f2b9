// Search index bookkeeping for a label that has no embedding store yet (all nodes, or $ids).
MATCH (n:__LABEL__)
WHERE $ids IS NULL OR n.id IN $ids
RETURN n.id AS id, properties(n) AS properties, false AS has_vector
