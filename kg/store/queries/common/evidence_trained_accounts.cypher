// Of these accounts, those with a current certificate (any course) or a passing practical-skill
// sign-off since $since: their training records.
MATCH (u:User)
WHERE u.id IN $accounts
OPTIONAL MATCH (u)-[:HOLDS]->(x:Certificate)
WHERE x.expires_at > $now AND x.superseded_by IS NULL
OPTIONAL MATCH (u)-[:SIGNED_OFF]->(s:SkillSignoff)
WHERE s.result = 'pass' AND s.assessed_at >= $since
RETURN u.id AS account, count(DISTINCT x) AS certificates, count(DISTINCT s) AS signoffs
