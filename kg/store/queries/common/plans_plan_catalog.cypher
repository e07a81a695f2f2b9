// The graph's plans with what a community plan draft takes from them: the hazards each covers,
// its activation criteria and work groups, what it says it lacks, and its citations.
MATCH (p:Plan)
OPTIONAL MATCH (p)-[:COVERS]->(h:Hazard)
WITH p, collect(DISTINCT h.id) AS hazards
OPTIONAL MATCH (p)-[c:CITES]->(s:Source)
RETURN p.id AS id, p.name AS name, p.kind AS kind, p.activation_criteria AS activation_criteria,
       p.task_groups AS task_groups, p.source_gap AS source_gap, hazards, collect([s.id, c.locator]) AS citations
ORDER BY id
