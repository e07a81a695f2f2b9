MATCH (t:ApiToken {id: $id})
WHERE t.user = $user
DETACH DELETE t
RETURN count(*) AS deleted
