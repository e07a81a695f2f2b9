// Submitted quiz attempts (not practice rounds) started before $before, with the questions they
// showed and those already left out of item analysis (for cem course analytics-reset).
MATCH (t:Attempt)
WHERE t.mode = 'quiz' AND t.status = 'submitted' AND t.started_at < $before
RETURN t.id AS id, t.questions AS questions, t.analytics_excluded AS excluded
ORDER BY t.id
