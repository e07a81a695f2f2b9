// Replace a password hash made with older hasher settings, only if it is still the one checked.
MATCH (u:User {id: $id})
WHERE u.password_hash = $old
SET u.password_hash = $new
RETURN u.id AS id
