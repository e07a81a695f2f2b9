// Areas for improvement of a community that repeat a lesson found in another of its drills.
MATCH (f:DrillFinding {community: $community})-[:REPEATS]->(l:LessonLearned)-[:FROM_DRILL]->(other:Drill)
WHERE other.id <> f.drill
RETURN properties(f) AS finding, l.id AS lesson, other.id AS other_drill
ORDER BY f.id
