MATCH (t:ApiToken {id: $id})
MATCH (u:User {id: t.user})
RETURN properties(t) AS token, u.id AS user_id, properties(u) AS user
