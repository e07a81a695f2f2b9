// The courses a user is enrolled in ($course: only that one), with the enrolment.
MATCH (u:User {id: $user})-[r:ENROLLED_IN]->(c:Course)
WHERE $course IS NULL OR c.id = $course
RETURN c.id AS course, c.name AS name, c.kind AS kind, properties(r) AS properties
ORDER BY c.id
