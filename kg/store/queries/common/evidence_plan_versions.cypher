// The plan versions of some communities (evidence rules): state, when saved, the plan check's
// result, the drills each was revised after.
MATCH (v:PlanVersion)
WHERE v.community IN $communities
RETURN v.community AS community, v.id AS id, v.number AS number, v.state AS state, v.created_at AS created_at,
       v.check_passes AS check_passes, v.check_criteria AS check_criteria, v.check_codes AS check_codes,
       v.revised_after AS revised_after, v.in_force_at AS in_force_at
