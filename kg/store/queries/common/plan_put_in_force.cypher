// Put one version of a community plan in force (the one in force before is superseded), only
// while the plan's latest version is still $expected.  No row back = the plan changed meanwhile.
MATCH (p:CommunityPlan {id: $plan})
SET p.lock_marker = true
REMOVE p.lock_marker
WITH p WHERE p.latest_version = $expected
MATCH (v:PlanVersion {id: $version})-[:VERSION_OF]->(p)
OPTIONAL MATCH (old:PlanVersion)-[:VERSION_OF]->(p) WHERE old.state = 'in_force' AND old.id <> $version
FOREACH (x IN CASE WHEN old IS NULL THEN [] ELSE [old] END | SET x.state = 'superseded', x.superseded_at = $at)
SET v.state = 'in_force', v.in_force_at = $at, v.in_force_by = $by,
    p.in_force_version = v.number, p.in_force_id = v.id, p.modified_at = $at, p.modified_by = $by
RETURN DISTINCT v.id AS id
