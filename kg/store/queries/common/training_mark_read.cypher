// A trainee has read a unit (the first reading date is kept); remember it as the place to resume.
MATCH (u:User {id: $user}), (x:Unit {id: $unit})
MERGE (u)-[r:READ]->(x)
ON CREATE SET r.read_at = $now
WITH u, r
OPTIONAL MATCH (u)-[e:ENROLLED_IN]->(c:Course {id: $course})
FOREACH (_ IN CASE WHEN e IS NULL THEN [] ELSE [1] END | SET e.last_node = $unit, e.last_at = $now)
RETURN r.read_at AS read_at
