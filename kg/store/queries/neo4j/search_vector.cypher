// Approximate nearest neighbours from the vector index; labels are filtered by the caller's
// query (oversampled $k).  Scores are Neo4j's cosine score, (1 + cosine) / 2.
CALL db.index.vector.queryNodes('cem_embedding', $k, $vector)
YIELD node, score
WHERE any(l IN labels(node) WHERE l IN $labels)
RETURN node.id AS id, labels(node) AS labels, score
