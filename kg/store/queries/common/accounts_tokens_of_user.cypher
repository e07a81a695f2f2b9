// A user's working tokens (made since the account's latest auth_version), newest first.
MATCH (u:User {id: $user})
MATCH (t:ApiToken)
WHERE t.user = u.id AND coalesce(t.auth_version, -1) = coalesce(u.auth_version, 0)
RETURN t.id AS id, t.name AS name, t.created_at AS created_at, t.expires_at AS expires_at
ORDER BY t.created_at DESC, t.id DESC
