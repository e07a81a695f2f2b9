// What a community's drills added to the lessons workspace: the lessons found in them, their
// corrective actions and the review sources they cite (sample removal).
MATCH (d:Drill {community: $community})<-[:FROM_DRILL]-(l:LessonLearned)
OPTIONAL MATCH (a:CorrectiveAction)-[:ACTION_FOR]->(l)
OPTIONAL MATCH (l)-[:CITES]->(s:Source) WHERE s.id STARTS WITH 'src.aar.'
WITH collect(DISTINCT l.id) + collect(DISTINCT a.id) + collect(DISTINCT s.id) AS ids
UNWIND ids AS id
RETURN DISTINCT id
