MATCH (a {id: $start})-[r:__TYPE__]->(b {id: $end})
DELETE r
RETURN count(*) AS deleted
