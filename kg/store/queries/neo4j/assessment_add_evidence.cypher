// Attach evidence to one criterion of an assessment, only while its status is one of $statuses.
MATCH (a:Assessment {id: $assessment})
SET a.lock_marker = true
REMOVE a.lock_marker
WITH a WHERE a.status IN $statuses
MATCH (c:Criterion {id: $criterion})
CREATE (e:Node:Evidence {id: $id})
SET e += $props
MERGE (e)-[:IN_ASSESSMENT]->(a)
MERGE (e)-[:SUPPORTS]->(c)
RETURN e.id AS id
