// A quiz definition and what it checks (a module or a course).
MATCH (q:Quiz {id: $quiz})
OPTIONAL MATCH (q)-[:QUIZ_FOR]->(t)
RETURN properties(q) AS quiz, collect(t.id) AS targets, collect(labels(t)) AS target_labels
