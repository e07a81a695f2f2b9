// Replace an account's roles and community; refused (no row) when it would remove the admin role
// from the last active admin.
MATCH (u:User {id: $id})
OPTIONAL MATCH (other:User)
WHERE other.id <> $id AND other.active = true AND 'admin' IN other.roles
WITH u, count(other) AS other_admins
WHERE $keeps_admin OR NOT (u.active = true AND 'admin' IN u.roles) OR other_admins > 0
SET u.roles = $roles, u.community = $community, u.updated_at = $now
RETURN u.id AS id
