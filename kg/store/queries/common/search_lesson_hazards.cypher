// The specific hazards (not families) each of these lessons is about.
MATCH (l:LessonLearned)-[:ABOUT]->(h:Hazard)
WHERE l.id IN $ids AND coalesce(h.level, 'hazard') <> 'family'
RETURN l.id AS id, collect(DISTINCT h.id) AS hazards
