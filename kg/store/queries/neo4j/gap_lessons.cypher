// Lessons learned about the given hazards, plans, facilities or duties (why a gap matters).
UNWIND $ids AS tid
MATCH (l:LessonLearned)-[:ABOUT]->(t:Node {id: tid})
RETURN tid AS target, l.id AS id, l.name AS name, l.lesson AS lesson
