// Corrective actions on a lesson, by due date.
MATCH (a:CorrectiveAction)-[:ACTION_FOR]->(l:LessonLearned {id: $id})
OPTIONAL MATCH (a)-[:OWNED_BY]->(o:Organization)
RETURN a.id AS id, a.name AS name, a.status AS status, a.due_date AS due_date, a.created_at AS created_at,
       a.updated_at AS updated_at, o.id AS owner, o.name AS owner_name
ORDER BY due_date, id
