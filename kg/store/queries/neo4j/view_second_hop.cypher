// The graph view's second hop, nodes only (see the common version).
UNWIND $ids AS mid
MATCH (m:Node {id: mid})--(x)
WHERE x.id <> $root
RETURN DISTINCT x.id AS id, labels(x) AS labels, x.community AS community
