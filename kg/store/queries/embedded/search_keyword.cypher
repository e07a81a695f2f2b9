// BM25 over one label's search terms (index `Label.search_terms`).
CALL db.index.fulltext.queryNodes($index, $query, {limit: $k})
YIELD node, score
RETURN node.id AS id, node.name AS name, score
