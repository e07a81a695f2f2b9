// Which of $units a trainee has read.
MATCH (u:User {id: $user})-[r:READ]->(x:Unit)
WHERE x.id IN $units
RETURN x.id AS unit, r.read_at AS read_at
