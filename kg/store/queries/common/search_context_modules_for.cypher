// Training modules that teach any of these nodes (directly or through one of their units), or
// whose units are illustrated by one of them; a node counts once for each of the two ways.
// Starts from the nodes (a lookup by id), not from every module.
MATCH (x) WHERE x.id IN $ids
OPTIONAL MATCH (direct:Module)-[:TEACHES]->(x)
WITH x, collect(DISTINCT direct) AS direct
OPTIONAL MATCH (through:Module)-[:HAS_UNIT]->(:Unit)-[:TEACHES|ILLUSTRATED_BY]->(x)
WITH x, direct, collect(DISTINCT through) AS through
UNWIND direct + through AS m
WITH m, count(*) AS shared
RETURN m.id AS id, m.name AS name, shared
ORDER BY shared DESC, id
LIMIT $limit
