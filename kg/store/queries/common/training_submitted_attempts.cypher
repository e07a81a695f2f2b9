// Submitted quiz attempts (not practice rounds), optionally of one quiz: for item analysis.
MATCH (t:Attempt)
WHERE t.mode = 'quiz' AND t.status = 'submitted' AND ($quiz IS NULL OR t.quiz = $quiz)
RETURN t.quiz AS quiz, t.questions AS questions, t.correct_questions AS right, t.score AS score
