// Submitted quiz attempts (not practice rounds), optionally of one quiz: for item analysis
// (questions left out of analysis by cem course analytics-reset come with them).
MATCH (t:Attempt)
WHERE t.mode = 'quiz' AND t.status = 'submitted' AND ($quiz IS NULL OR t.quiz = $quiz)
RETURN t.quiz AS quiz, t.questions AS questions, t.correct_questions AS right, t.score AS score,
       t.analytics_excluded AS excluded
