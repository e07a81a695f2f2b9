// Corrective actions not done by their due date (before $today, an ISO date), oldest first.
MATCH (a:CorrectiveAction)-[:ACTION_FOR]->(l:LessonLearned)
WHERE a.status IN ['open', 'in_progress'] AND a.due_date < $today
OPTIONAL MATCH (a)-[:OWNED_BY]->(o:Organization)
RETURN a.id AS id, a.name AS name, a.status AS status, a.due_date AS due_date, l.id AS lesson,
       l.name AS lesson_name, o.id AS owner, o.name AS owner_name
ORDER BY due_date, id
LIMIT $limit
