// The one guarded write of an assessment: only when its version is still $expected and its
// status one of $statuses.  Sets $props, bumps the version, replaces the given answers and adds
// the given reviews, all in one transaction.  No row back = version or status check failed.
// (SET/REMOVE of lock_marker takes the node's write lock before the version is read.)
MATCH (a:Assessment {id: $id})
SET a.lock_marker = true
REMOVE a.lock_marker
WITH a WHERE a.version = $expected AND a.status IN $statuses
SET a += $props, a.version = $expected + 1
FOREACH (row IN $answers |
  MERGE (ans:Answer {id: row.id})
  SET ans = row.properties
  MERGE (ans)-[:IN_ASSESSMENT]->(a))
FOREACH (row IN $reviews |
  CREATE (r:Review {id: row.id})
  SET r += row.properties
  MERGE (r)-[:IN_ASSESSMENT]->(a))
WITH a
OPTIONAL MATCH (ans:Answer)-[:IN_ASSESSMENT]->(a) WHERE ans.id IN $link_ids
OPTIONAL MATCH (c:Criterion {id: ans.criterion})
FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (ans)-[:ANSWERS]->(c))
RETURN DISTINCT a.version AS version
