// BM25 over the keyword terms, one full-text index per label (cem_terms_<label>, whitespace
// analyzer: the terms are made by kg.search.text, the same as the embedded store's), merged.
UNWIND $indexes AS index
CALL db.index.fulltext.queryNodes(index, $query, {limit: $limit})
YIELD node, score
WITH node, score
WHERE $ids IS NULL OR node.id IN $ids
RETURN node.id AS id, node.name AS name, labels(node) AS labels, score
ORDER BY score DESC
LIMIT $k
