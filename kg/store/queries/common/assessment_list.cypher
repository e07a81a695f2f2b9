// Assessments (their cached summaries), optionally of some communities and/or in some states.
MATCH (a:Assessment)
WHERE ($communities IS NULL OR a.community IN $communities)
  AND ($statuses IS NULL OR a.status IN $statuses)
RETURN properties(a) AS assessment
ORDER BY a.created_at DESC, a.id
