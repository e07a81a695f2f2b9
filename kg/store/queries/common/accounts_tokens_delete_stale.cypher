// Delete the API tokens of an account issued before its latest auth_version.
MATCH (u:User {id: $user})
MATCH (t:ApiToken)
WHERE t.user = u.id AND coalesce(t.auth_version, -1) <> coalesce(u.auth_version, 0)
DETACH DELETE t
RETURN count(*) AS deleted
