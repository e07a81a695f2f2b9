MATCH (t:ApiToken)
WHERE t.user = $user
DETACH DELETE t
RETURN count(*) AS deleted
