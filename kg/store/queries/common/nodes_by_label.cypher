// A page of nodes of one label, ordered by id.
MATCH (n:__LABEL__)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS properties
ORDER BY n.id
SKIP $skip LIMIT $limit
