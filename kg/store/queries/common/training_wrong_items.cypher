// A trainee's spaced-practice items (questions once answered wrongly).
MATCH (u:User {id: $user})-[w:ANSWERED_WRONG]->(q:Question)
WHERE $question IS NULL OR q.id = $question
RETURN q.id AS question, properties(w) AS properties
