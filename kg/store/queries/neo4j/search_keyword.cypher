// BM25 over search_text with the cjk analyzer (full-text index cem_fulltext).
CALL db.index.fulltext.queryNodes('cem_fulltext', $query, {limit: $limit})
YIELD node, score
WHERE any(l IN labels(node) WHERE l IN $labels) AND ($ids IS NULL OR node.id IN $ids)
RETURN node.id AS id, labels(node) AS labels, score
LIMIT $k
