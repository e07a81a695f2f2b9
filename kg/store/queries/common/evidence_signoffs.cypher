// Passing practical-skill sign-offs since $since of users of some communities.
MATCH (u:User)-[:SIGNED_OFF]->(s:SkillSignoff)
WHERE u.community IN $communities AND s.result = 'pass' AND s.assessed_at >= $since
RETURN u.community AS community, u.id AS user, count(s) AS signoffs
