// Search filter: incidents of a year and the lessons learned from them.
MATCH (i:Incident)
WHERE i.date STARTS WITH $year
OPTIONAL MATCH (l:LessonLearned)-[:FROM_INCIDENT]->(i)
WITH collect(DISTINCT i.id) AS incidents, collect(DISTINCT l.id) AS lessons
RETURN incidents + lessons AS ids
