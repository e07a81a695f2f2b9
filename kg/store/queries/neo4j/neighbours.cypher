// Nodes within __DEPTH__ hops of $id, optionally only along $types and ending at $labels.
MATCH p = (n:Node {id: $id})-[*1..__DEPTH__]-(m)
WHERE m.id <> $id
WITH p, m, relationships(p) AS rels
WHERE ($types IS NULL OR all(r IN rels WHERE type(r) IN $types))
  AND ($labels IS NULL OR any(l IN labels(m) WHERE l IN $labels))
RETURN m.id AS id, labels(m) AS labels, m {.*, embedding: null} AS properties, length(p) AS distance,
       [r IN rels | {type: type(r), start: startNode(r).id, end: endNode(r).id, properties: properties(r)}] AS path
ORDER BY distance, id
LIMIT $limit
