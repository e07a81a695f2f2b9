// Corrective actions with their owner (for a review's improvements).
MATCH (a:CorrectiveAction)
WHERE a.id IN $ids
OPTIONAL MATCH (a)-[:OWNED_BY]->(o:Organization)
RETURN a.id AS id, a.name AS name, a.status AS status, a.due_date AS due_date, o.id AS owner, o.name AS owner_name
