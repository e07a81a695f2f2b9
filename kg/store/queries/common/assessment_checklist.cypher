// One standard and all its criteria (assessment engine: load_checklist).
MATCH (s:Standard {id: $id})
OPTIONAL MATCH (c:Criterion)-[:PART_OF_STANDARD]->(s)
RETURN s.id AS id, properties(s) AS standard, collect(properties(c)) AS criteria
