// Remember where a trainee is in a course (to resume there).
MATCH (u:User {id: $user})-[r:ENROLLED_IN]->(c:Course {id: $course})
SET r.last_node = $node, r.last_at = $now
RETURN properties(r) AS properties
