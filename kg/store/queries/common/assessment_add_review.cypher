// Add a review record (comment) to an assessment, only while its status is one of $statuses.
MATCH (a:Assessment {id: $assessment})
SET a.lock_marker = true
REMOVE a.lock_marker
WITH a WHERE a.status IN $statuses
CREATE (r:Review {id: $id})
SET r += $props
MERGE (r)-[:IN_ASSESSMENT]->(a)
RETURN r.id AS id
