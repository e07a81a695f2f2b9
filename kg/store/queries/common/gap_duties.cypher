// Duties reached from requirement targets — assigned by a plan, held by an organization, or
// addressing a hazard, using a facility (or the duty itself) — one row per holder (assessment gap plan).
UNWIND $ids AS tid
MATCH (t {id: tid})-[:ASSIGNS|HAS_DUTY]->(d:Duty)
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
UNION
UNWIND $ids AS tid
MATCH (d:Duty)-[:ADDRESSES]->(t {id: tid})
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
UNION
UNWIND $ids AS tid
MATCH (d:Duty {id: tid})
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
UNION
UNWIND $ids AS tid
MATCH (d:Duty)-[:USES]->(t {id: tid})
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
