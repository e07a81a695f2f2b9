// The users enrolled in a course.
MATCH (u:User)-[r:ENROLLED_IN]->(c:Course {id: $course})
RETURN u.id AS user, u.display_name AS display_name, u.username AS username, properties(r) AS properties
ORDER BY u.id
