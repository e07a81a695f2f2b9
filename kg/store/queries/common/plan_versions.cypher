// The versions of a community plan, newest first (without their documents).
MATCH (v:PlanVersion)-[:VERSION_OF]->(:CommunityPlan {id: $plan})
RETURN v.id AS id, v.number AS number, v.state AS state, v.created_by AS created_by, v.created_at AS created_at,
       v.note AS note, v.changes AS changes, v.base AS base, v.hazards AS hazards, v.in_force_at AS in_force_at,
       v.superseded_at AS superseded_at, v.check_passes AS check_passes, v.revised_after AS revised_after,
       v.carries_out AS carries_out
ORDER BY number DESC
