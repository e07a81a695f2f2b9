// A street/town office and the bodies it is directly part of (the county level of a review).
MATCH (o:Organization {id: $org})
OPTIONAL MATCH (o)-[:PART_OF]->(p:Organization)
RETURN o.id AS id, o.name AS name, collect(DISTINCT {id: p.id, name: p.name}) AS parents
