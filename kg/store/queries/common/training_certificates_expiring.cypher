// Current (not superseded) certificates whose expiry lies in ($from, $to]: "within N days"
// includes the Nth day, as the trainee's own reminder does.
MATCH (x:Certificate)
WHERE x.expires_at > $from AND x.expires_at <= $to AND x.superseded_by IS NULL
OPTIONAL MATCH (u:User)-[:HOLDS]->(x)
OPTIONAL MATCH (x)-[:CERTIFIES]->(c:Course)
RETURN x.id AS id, properties(x) AS properties, u.display_name AS holder, u.username AS username,
       u.organization AS organization, u.community AS community, c.name AS course_name
ORDER BY x.expires_at, x.id
