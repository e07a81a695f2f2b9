// Which of these lessons have a corrective action that is done or verified.
MATCH (a:CorrectiveAction)-[:ACTION_FOR]->(l:LessonLearned)
WHERE l.id IN $ids AND a.status IN ['done', 'verified']
RETURN DISTINCT l.id AS id
