CREATE (s:LoginSession {id: $id})
SET s += $props
RETURN s.id AS id
