// Issue a certificate once (a second call with the same id returns the first).  When it renews
// an earlier certificate, that one is marked superseded.
MATCH (u:User {id: $user}), (c:Course {id: $course})
MERGE (x:Certificate {id: $id})
ON CREATE SET x += $props, x.request = $request
MERGE (u)-[:HOLDS]->(x)
MERGE (x)-[:CERTIFIES]->(c)
WITH x, x.request = $request AS created
OPTIONAL MATCH (old:Certificate {id: $renews})
FOREACH (_ IN CASE WHEN old IS NULL OR NOT created THEN [] ELSE [1] END |
  MERGE (x)-[:RENEWS]->(old)
  SET old.superseded_by = x.id, old.superseded_at = $now)
RETURN properties(x) AS properties, created
