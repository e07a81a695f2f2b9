// The answers, evidence and review records of a community's self-assessments (sample removal).
MATCH (x)-[:IN_ASSESSMENT]->(a:Assessment {community: $community})
RETURN x.id AS id
