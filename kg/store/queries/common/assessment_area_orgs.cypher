// The organizations that lie within $org (itself and bodies PART_OF it, two levels down).
MATCH (o:Organization {id: $org})
OPTIONAL MATCH (sub:Organization)-[:PART_OF*1..2]->(o)
RETURN o.id AS id, collect(DISTINCT sub.id) AS parts
