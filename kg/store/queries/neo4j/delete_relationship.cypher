MATCH (a:Node {id: $start})-[r:__TYPE__]->(b:Node {id: $end})
DELETE r
RETURN count(*) AS deleted
