// The drill each of these lessons was found in (lessons from drills only).
MATCH (l:LessonLearned)-[:FROM_DRILL]->(d:Drill)
WHERE l.id IN $lessons
RETURN l.id AS lesson, d.id AS drill
