MATCH (s:LoginSession {id: $id})
MATCH (u:User {id: s.user})
RETURN properties(s) AS session, u.id AS user_id, properties(u) AS user
