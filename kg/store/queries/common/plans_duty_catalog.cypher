// Every duty with what a plan draft needs: the hazards it addresses, the plans that assign it,
// its holders (with their level), its phases and its citations.
MATCH (d:Duty)
OPTIONAL MATCH (d)-[:ADDRESSES]->(h:Hazard)
WITH d, collect(DISTINCT h.id) AS hazards
OPTIONAL MATCH (p:Plan)-[:ASSIGNS]->(d)
WITH d, hazards, collect(DISTINCT p.id) AS plans
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
WITH d, hazards, plans, collect(DISTINCT o.id) AS holders
OPTIONAL MATCH (d)-[:IN_PHASE]->(ph:Phase)
WITH d, hazards, plans, holders, collect(DISTINCT ph.id) AS phases
OPTIONAL MATCH (d)-[c:CITES]->(s:Source)
RETURN d.id AS id, d.name AS name, d.description AS description, d.deadline AS deadline, hazards, plans,
       holders, phases, collect([s.id, c.locator]) AS citations
ORDER BY id
