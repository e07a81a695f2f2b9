// Quiz answers that no attempt holds (a half-written answer would be one; none should exist).
MATCH (a:QuizAnswer)
WHERE NOT EXISTS { MATCH (:Attempt)-[:HAS_ANSWER]->(a) }
RETURN a.id AS id
ORDER BY id
