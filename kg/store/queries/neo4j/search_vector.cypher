// Approximate nearest neighbours from the vector index (every searchable label); the caller
// keeps the labels it wants.  Scores are Neo4j's cosine score, (1 + cosine) / 2.
CALL db.index.vector.queryNodes('cem_embedding', $k, $vector)
YIELD node, score
RETURN node.id AS id, node.name AS name, labels(node) AS labels, score
