// How many duties each process phase holds, in process order.
MATCH (p:Phase)
OPTIONAL MATCH (d:Duty)-[:IN_PHASE]->(p)
RETURN p.id AS phase, p.name AS name, p.order AS position, count(d) AS duties
ORDER BY position
