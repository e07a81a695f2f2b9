// Current certificates (not expired, not superseded) of courses of $kinds held by users of some
// communities (evidence rules: trained people).
MATCH (u:User)-[:HOLDS]->(x:Certificate)-[:CERTIFIES]->(c:Course)
WHERE u.community IN $communities AND x.expires_at > $now AND x.superseded_by IS NULL AND c.kind IN $kinds
RETURN u.community AS community, u.id AS user, x.id AS certificate, c.id AS course
