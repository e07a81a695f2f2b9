// Set only the given properties of an account (display name, locale, organization ...).
MATCH (u:User {id: $id})
SET u += $props
RETURN u.id AS id
