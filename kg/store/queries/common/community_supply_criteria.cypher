// The standard's supply criteria (element 8) with the facility kinds they require.
MATCH (c:Criterion)
WHERE c.number STARTS WITH '8.'
OPTIONAL MATCH (c)-[:REQUIRES]->(f:Facility)
RETURN c.id AS id, c.number AS number, c.name AS name, c.requirement AS requirement,
       collect(DISTINCT {id: f.id, name: f.name}) AS facilities
ORDER BY c.number
