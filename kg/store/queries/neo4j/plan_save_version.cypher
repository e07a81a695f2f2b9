// Add a version to a community plan (see queries/common/plan_save_version.cypher).
MATCH (p:CommunityPlan {id: $plan})
SET p.lock_marker = true
REMOVE p.lock_marker
WITH p WHERE p.latest_version = $expected
CREATE (v:Node:PlanVersion {id: $id})
SET v += $props
MERGE (v)-[:VERSION_OF]->(p)
SET p.latest_version = $expected + 1, p.modified_at = $at, p.modified_by = $by
RETURN v.id AS id
