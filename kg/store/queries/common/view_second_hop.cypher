// The graph view's second hop, nodes only: each node next to one of $ids (other than $root) once,
// with what the access policy needs (labels, community) and nothing else; the view picks the
// nodes it draws from these and reads their relationships with view_edges_among.
UNWIND $ids AS mid
MATCH (m {id: mid})--(x)
WHERE x.id <> $root
RETURN DISTINCT x.id AS id, labels(x) AS labels, x.community AS community
