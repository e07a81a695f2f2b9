// Certificates that have expired ($now or earlier) and were never renewed (not superseded, and no
// later certificate of the same course held by the same person): each stays on the staff report
// until its holder renews.
MATCH (x:Certificate)
WHERE x.expires_at <= $now AND x.superseded_by IS NULL
OPTIONAL MATCH (u:User)-[:HOLDS]->(x)
OPTIONAL MATCH (x)-[:CERTIFIES]->(c:Course)
OPTIONAL MATCH (u)-[:HOLDS]->(newer:Certificate)-[:CERTIFIES]->(c)
WHERE newer.issued_at > x.issued_at
WITH x, u, c, count(newer) AS later
WHERE later = 0
RETURN x.id AS id, properties(x) AS properties, u.display_name AS holder, u.username AS username,
       u.organization AS organization, u.community AS community, c.name AS course_name
ORDER BY x.expires_at, x.id
