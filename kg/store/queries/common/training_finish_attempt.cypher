// Close an open attempt and score it from its recorded answers (in one transaction, after
// taking the attempt's lock, so that no answer recorded before it is missed).  No row comes
// back when the attempt was already closed.
MATCH (t:Attempt {id: $attempt})
SET t.touched_at = $now
WITH t
WHERE t.status = 'open'
OPTIONAL MATCH (t)-[:HAS_ANSWER]->(a:QuizAnswer)
WITH t, count(a) AS answered, collect(CASE WHEN a.correct THEN a.question ELSE null END) AS right
SET t.status = 'submitted', t.submitted_at = $now, t.late = $late, t.answered = answered,
    t.correct_questions = right, t.correct = size(right), t.total = size(t.questions),
    t.score = CASE WHEN size(t.questions) = 0 THEN 0.0 ELSE toFloat(size(right)) / size(t.questions) END,
    t.passed = size(t.questions) > 0 AND size(right) >= $required
RETURN properties(t) AS properties
