// A user's practical-skill sign-offs.
MATCH (u:User {id: $user})-[:SIGNED_OFF]->(s:SkillSignoff)
OPTIONAL MATCH (s)-[:ASSESSED_BY]->(a:User)
RETURN s.id AS id, properties(s) AS properties, a.display_name AS assessor_name
