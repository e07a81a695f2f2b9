// Exact nearest neighbours over the embedding stores of $labels, merged into one top-$k.
CALL db.node_embeddings.query({types: $labels, text_column: 'search_text', vector: $vector, top_k: $k, exact: true})
YIELD node, score
RETURN node.id AS id, node.name AS name, labels(node) AS labels, score
