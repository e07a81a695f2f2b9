MATCH (c:RateCounter {id: $id})
DETACH DELETE c
RETURN count(*) AS deleted
