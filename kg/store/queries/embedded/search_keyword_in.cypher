// BM25 among the given nodes of one label.
MATCH (n:__LABEL__)
WHERE n.id IN $ids
WITH n, text_bm25(n, 'search_terms', $query) AS score
WHERE score > 0
RETURN n.id AS id, n.name AS name, score
ORDER BY score DESC, id
LIMIT $k
