// A trainee's attempts (all quizzes and practice rounds).
MATCH (u:User {id: $user})-[:ATTEMPTED]->(t:Attempt)
RETURN t.id AS id, properties(t) AS properties
