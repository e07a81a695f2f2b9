// Delete the sessions of an account made before its latest auth_version (a password change, a
// disable or an enable ends them; a refused change leaves them).
MATCH (u:User {id: $user})
MATCH (s:LoginSession)
WHERE s.user = u.id AND coalesce(s.auth_version, -1) <> coalesce(u.auth_version, 0)
DETACH DELETE s
RETURN count(*) AS deleted
