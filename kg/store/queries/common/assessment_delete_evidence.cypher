// Remove one evidence item, only while its assessment's status is one of $statuses.
MATCH (a:Assessment {id: $assessment})
SET a.lock_marker = true
REMOVE a.lock_marker
WITH a WHERE a.status IN $statuses
MATCH (e:Evidence {id: $id})-[:IN_ASSESSMENT]->(a)
DETACH DELETE e
RETURN count(*) AS deleted
