// Add a version to a community plan, only while its latest version is still $expected (the one
// the editor loaded); the plan's latest_version moves on in the same transaction.  No row back =
// someone saved another version first.  (SET/REMOVE of lock_marker takes the plan's write lock
// before latest_version is read.)
MATCH (p:CommunityPlan {id: $plan})
SET p.lock_marker = true
REMOVE p.lock_marker
WITH p WHERE p.latest_version = $expected
CREATE (v:PlanVersion {id: $id})
SET v += $props
MERGE (v)-[:VERSION_OF]->(p)
SET p.latest_version = $expected + 1, p.modified_at = $at, p.modified_by = $by
RETURN v.id AS id
