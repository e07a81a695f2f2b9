// Every certificate with its holder's organization and community (for trained-responder counts).
MATCH (u:User)-[:HOLDS]->(x:Certificate)-[:CERTIFIES]->(c:Course)
RETURN u.id AS user, u.organization AS organization, u.community AS community, c.id AS course,
       c.kind AS course_kind, x.expires_at AS expires_at, x.superseded_by AS superseded_by
