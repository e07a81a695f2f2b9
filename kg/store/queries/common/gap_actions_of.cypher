// A community's tracked gap-plan actions (assessments.actions).
MATCH (g:GapAction)-[:FOR_COMMUNITY]->(c:Community {id: $community})
RETURN g.id AS id, properties(g) AS properties
ORDER BY g.id
