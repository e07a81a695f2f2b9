MATCH (n {id: $id})
DETACH DELETE n
RETURN count(*) AS deleted
