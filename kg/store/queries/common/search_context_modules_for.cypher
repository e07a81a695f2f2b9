// Training modules that teach any of these nodes (directly or through one of their units), or
// whose units are illustrated by one of them.
MATCH (m:Module)
OPTIONAL MATCH (m)-[:TEACHES]->(a)
OPTIONAL MATCH (m)-[:HAS_UNIT]->(u:Unit)
OPTIONAL MATCH (u)-[:TEACHES|ILLUSTRATED_BY]->(b)
WITH m, collect(DISTINCT a.id) + collect(DISTINCT b.id) AS taught
WITH m, [x IN taught WHERE x IN $ids] AS hits
WHERE size(hits) > 0
RETURN m.id AS id, m.name AS name, size(hits) AS shared
ORDER BY shared DESC, id
LIMIT $limit
