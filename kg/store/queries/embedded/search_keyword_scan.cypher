// BM25 over every node of one small label, scored one by one with the label's index statistics:
// kglite's index procedure costs time in proportion to the whole graph (about 2.5 ms per call at
// 10,000 lessons, whatever the label), this in proportion to the label's nodes.
MATCH (n:__LABEL__)
WITH n, text_bm25(n, 'search_terms', $query) AS score
WHERE score > 0
RETURN n.id AS id, n.name AS name, score
ORDER BY score DESC, id
LIMIT $k
