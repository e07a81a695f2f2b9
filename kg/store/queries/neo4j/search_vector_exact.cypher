// Exact nearest neighbours among the nodes of one label; score (1 + cosine) / 2.
MATCH (n:__LABEL__)
WHERE n.embedding IS NOT NULL
WITH n, vector.similarity.cosine(n.embedding, $vector) AS score
RETURN n.id AS id, n.name AS name, labels(n) AS labels, score
ORDER BY score DESC, id
LIMIT $k
