// The questions meant for residents (FOR_AUDIENCE the residents' node), with the modules whose
// objectives they assess (to spread a survey over topics) and why they count as resident-level.
MATCH (q:Question)-[r:FOR_AUDIENCE]->(:Organization {id: $audience})
OPTIONAL MATCH (q)-[:ASSESSES]->(:Objective)<-[:HAS_OBJECTIVE]-(m:Module)
RETURN q.id AS id, collect(DISTINCT m.id) AS modules, r.source AS source, r.locator AS locator
ORDER BY id
