// Lessons written in the workspace without their phase or source link (a lesson is written as
// its node, then its links: a server killed in between leaves such a node, never acknowledged).
MATCH (l:LessonLearned)
WHERE l.origin = 'workspace'
  AND (NOT EXISTS { MATCH (l)-[:IN_PHASE]->() } OR NOT EXISTS { MATCH (l)-[:CITES]->() })
RETURN l.id AS id
ORDER BY id
