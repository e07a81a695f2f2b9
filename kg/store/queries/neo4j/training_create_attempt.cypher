// Create an attempt once (a second call with the same id returns the first); link it to its
// trainee and, for a quiz (not a practice round), to the quiz.
MATCH (u:User {id: $user})
OPTIONAL MATCH (q:Quiz {id: $quiz})
MERGE (t:Node {id: $id})
ON CREATE SET t:Attempt, t += $props, t.request = $request
MERGE (u)-[:ATTEMPTED]->(t)
FOREACH (_ IN CASE WHEN q IS NULL THEN [] ELSE [1] END | MERGE (t)-[:OF_QUIZ]->(q))
RETURN properties(t) AS properties, t.request = $request AS created
