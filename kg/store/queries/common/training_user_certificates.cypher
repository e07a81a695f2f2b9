// A user's certificates.
MATCH (u:User {id: $user})-[:HOLDS]->(x:Certificate)
RETURN x.id AS id, properties(x) AS properties
