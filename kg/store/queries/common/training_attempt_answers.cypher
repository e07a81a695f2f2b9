// The recorded answers of an attempt.
MATCH (t:Attempt {id: $attempt})-[:HAS_ANSWER]->(a:QuizAnswer)
RETURN a.id AS id, properties(a) AS properties
