// The duties an organization (role) holds, with their phase.
MATCH (o:Organization {id: $organization})-[:HAS_DUTY]->(d:Duty)
OPTIONAL MATCH (d)-[:IN_PHASE]->(p:Phase)
RETURN d.id AS id, d.name AS name, p.name AS phase
ORDER BY d.id
