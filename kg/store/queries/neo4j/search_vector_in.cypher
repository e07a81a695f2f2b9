// Exact nearest neighbours among the given nodes (filtered search); score (1 + cosine) / 2.
MATCH (n:Node)
WHERE n.id IN $ids AND n.embedding IS NOT NULL AND any(l IN labels(n) WHERE l IN $labels)
WITH n, vector.similarity.cosine(n.embedding, $vector) AS score
RETURN n.id AS id, n.name AS name, labels(n) AS labels, score
ORDER BY score DESC, id
LIMIT $k
