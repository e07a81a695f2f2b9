// Search filter: nodes in a process phase.
MATCH (n)-[:IN_PHASE]->(p:Phase {id: $phase})
RETURN DISTINCT n.id AS id
