CREATE (t:ApiToken {id: $id})
SET t += $props
RETURN t.id AS id
