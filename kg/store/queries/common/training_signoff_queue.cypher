// The trainees enrolled in a course with what a practical-skill sign-off depends on: when they
// passed the course's final exam ($final), their sign-offs and their certificates for the course.
MATCH (u:User)-[r:ENROLLED_IN]->(c:Course {id: $course})
OPTIONAL MATCH (u)-[:HOLDS]->(x:Certificate)-[:CERTIFIES]->(c)
WITH u, r, c, collect(properties(x)) AS certificates
OPTIONAL MATCH (u)-[:SIGNED_OFF]->(s:SkillSignoff)-[:SIGNOFF_FOR]->(c)
WITH u, r, certificates, collect(properties(s)) AS signoffs
OPTIONAL MATCH (u)-[:ATTEMPTED]->(t:Attempt)
WHERE t.quiz = $final AND t.mode = 'quiz' AND t.passed = true
WITH u, r, certificates, signoffs, collect(t.submitted_at) AS final_passed
RETURN u.id AS user, u.username AS username, u.display_name AS display_name, u.organization AS organization,
       u.community AS community, u.active AS active, properties(r) AS enrolment, certificates, signoffs,
       final_passed
ORDER BY u.id
