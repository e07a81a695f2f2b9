// Per community: how many of its users hold a current certificate (not expired, not superseded)
// for a course of one of $kinds (the core first-responder course) — readiness view.
MATCH (cert:Certificate)
WHERE cert.expires_at > $now AND cert.superseded_by IS NULL
MATCH (course:Course {id: cert.course})
WHERE course.kind IN $kinds
MATCH (u:User {id: cert.user})
WHERE u.community IS NOT NULL AND ($communities IS NULL OR u.community IN $communities)
RETURN u.community AS community, count(DISTINCT u.id) AS trained
