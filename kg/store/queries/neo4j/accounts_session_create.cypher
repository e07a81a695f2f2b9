CREATE (s:Node:LoginSession {id: $id})
SET s += $props
RETURN s.id AS id
