// Enable or disable an account and end its sessions (auth_version); refused (no row) when it
// would disable the last active admin.
MATCH (u:User {id: $id})
OPTIONAL MATCH (other:User)
WHERE other.id <> $id AND other.active = true AND 'admin' IN other.roles
WITH u, count(other) AS other_admins
WHERE $active OR NOT (u.active = true AND 'admin' IN u.roles) OR other_admins > 0
SET u.active = $active, u.auth_version = coalesce(u.auth_version, 0) + 1, u.updated_at = $now
RETURN u.id AS id, u.auth_version AS auth_version
