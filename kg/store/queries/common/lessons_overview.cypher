// Every lesson with the status of its corrective actions and whether it was entered in the
// workspace, newest workspace entries first.
MATCH (l:LessonLearned)
OPTIONAL MATCH (a:CorrectiveAction)-[:ACTION_FOR]->(l)
WITH l, collect(a.status) AS statuses
RETURN l.id AS id, l.name AS name, l.created_at AS created_at, l.created_by AS created_by, statuses,
       coalesce(l.created_at, '') AS entered
ORDER BY entered DESC, id
LIMIT $limit
