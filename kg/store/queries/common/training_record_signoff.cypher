// Record a practical-skill sign-off: who was assessed, for which course, by whom.
MATCH (u:User {id: $user}), (c:Course {id: $course}), (a:User {id: $assessor})
MERGE (s:SkillSignoff {id: $id})
ON CREATE SET s += $props
MERGE (u)-[:SIGNED_OFF]->(s)
MERGE (s)-[:SIGNOFF_FOR]->(c)
MERGE (s)-[:ASSESSED_BY]->(a)
RETURN properties(s) AS properties
