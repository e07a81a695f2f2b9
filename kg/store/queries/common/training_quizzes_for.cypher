// The quizzes that check any of $targets (modules or courses).
UNWIND $targets AS tid
MATCH (q:Quiz)-[:QUIZ_FOR]->(t {id: tid})
RETURN tid AS target, q.id AS id, properties(q) AS properties
