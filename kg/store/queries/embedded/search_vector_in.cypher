// Nearest neighbours among the given nodes of one label (filtered search, exact).
MATCH (n:__LABEL__)
WHERE n.id IN $ids
WITH n, vector_score(n, 'search_text_emb', $vector) AS score
WHERE score IS NOT NULL
RETURN n.id AS id, n.name AS name, score
ORDER BY score DESC, id
LIMIT $k
