// Record one answer of an open attempt, once: the answer's id is <attempt>:<question>, so a
// second submission (double click, retry) finds the first.  The attempt is written first so
// that a concurrent submission of the whole attempt waits (Neo4j takes the node's lock) and
// then sees this answer; no row comes back when the attempt is no longer open.  A newly
// recorded answer also updates the trainee's spaced-practice item for the question ($spaced).
MATCH (t:Attempt {id: $attempt})
SET t.touched_at = $now
WITH t
WHERE t.status = 'open'
MATCH (q:Question {id: $question})
MATCH (u:User {id: $user})
MERGE (a:QuizAnswer {id: $id})
ON CREATE SET a += $props, a.request = $request
MERGE (t)-[:HAS_ANSWER]->(a)
MERGE (a)-[:ANSWER_TO]->(q)
WITH u, q, a, a.request = $request AS created
FOREACH (_ IN CASE WHEN created AND $spaced IS NOT NULL THEN [1] ELSE [] END |
  MERGE (u)-[w:ANSWERED_WRONG]->(q)
  SET w += $spaced)
RETURN properties(a) AS properties, created
