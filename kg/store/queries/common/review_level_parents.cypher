// A street/town office and the county-level bodies it lies within (the county level of a
// review): reached through PART_OF, up to three steps, and only bodies whose level is county
// (a town office that is part of its town's committee is still reviewed at the town level).
MATCH (o:Organization {id: $org})
OPTIONAL MATCH (o)-[:PART_OF*1..3]->(p:Organization)
WHERE p.level = 'county'
RETURN o.id AS id, o.name AS name, collect(DISTINCT {id: p.id, name: p.name}) AS parents
