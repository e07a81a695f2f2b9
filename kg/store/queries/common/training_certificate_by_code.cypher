// A certificate by its verification code, with the holder's name and the course's name.
MATCH (x:Certificate {code: $code})
OPTIONAL MATCH (u:User)-[:HOLDS]->(x)
OPTIONAL MATCH (x)-[:CERTIFIES]->(c:Course)
RETURN x.id AS id, properties(x) AS properties, u.display_name AS holder, u.username AS username,
       c.name AS course_name, c.name_en AS course_name_en
