MATCH (s:LoginSession {id: $id})
DETACH DELETE s
RETURN count(*) AS deleted
