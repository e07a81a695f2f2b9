// Leave questions of attempts out of item analysis (or bring them back: an empty list).  The
// attempt's answers, score, result and any certificate are not touched.
UNWIND $rows AS row
MATCH (t:Attempt {id: row.id})
SET t.analytics_excluded = row.excluded, t.analytics_excluded_reason = $reason, t.analytics_excluded_at = $now
RETURN count(t) AS changed
