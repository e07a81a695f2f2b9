// The organizations a user works for (MEMBER_OF), for the default role of the situation page.
MATCH (u:User {id: $user})-[:MEMBER_OF]->(o:Organization)
RETURN o.id AS id, o.name AS name
ORDER BY name
