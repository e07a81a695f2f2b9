// Open a new assessment of a community against a standard (both must exist).
MATCH (co:Community {id: $community})
MATCH (s:Standard {id: $standard})
CREATE (a:Node:Assessment {id: $id})
SET a += $props
MERGE (a)-[:ASSESSES_COMMUNITY]->(co)
MERGE (a)-[:AGAINST]->(s)
RETURN a.id AS id
