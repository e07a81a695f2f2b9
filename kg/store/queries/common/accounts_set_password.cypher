// A new password hash; bumping auth_version ends every session made with the old password.
MATCH (u:User {id: $id})
SET u.password_hash = $hash, u.auth_version = coalesce(u.auth_version, 0) + 1, u.updated_at = $now
RETURN u.id AS id, u.auth_version AS auth_version
