// Enrol a user in a course (once; enrolling again keeps the first date and enroller).
MATCH (u:User {id: $user}), (c:Course {id: $course})
MERGE (u)-[r:ENROLLED_IN]->(c)
ON CREATE SET r.enrolled_at = $now, r.enrolled_by = $by
RETURN properties(r) AS properties
