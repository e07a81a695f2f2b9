// Create an account; the unique id constraint refuses a username that is taken.
CREATE (u:Node:User {id: $id})
SET u += $props
RETURN u.id AS id
