// Every checklist standard with its number of criteria (assessment engine).
MATCH (s:Standard)
OPTIONAL MATCH (c:Criterion)-[:PART_OF_STANDARD]->(s)
RETURN s.id AS id, s.name AS name, s.name_en AS name_en, s.total_points AS total_points,
       s.pass_mark AS pass_mark, s.scale AS scale, count(c) AS criteria
ORDER BY id
