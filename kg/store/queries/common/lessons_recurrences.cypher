// Recurrence links of a lesson: the earlier lessons it repeats and the later ones that repeat it.
MATCH (l:LessonLearned {id: $id})
RETURN [(l)-[r:RECURRENCE_OF]->(o:LessonLearned) | {id: o.id, name: o.name, similarity: r.similarity}] AS repeats,
       [(n:LessonLearned)-[r:RECURRENCE_OF]->(l) | {id: n.id, name: n.name, similarity: r.similarity}] AS repeated_by
