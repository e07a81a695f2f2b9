// Duties reached from requirement targets (see queries/common/gap_duties.cypher).
UNWIND $ids AS tid
MATCH (t:Node {id: tid})-[:ASSIGNS|HAS_DUTY]->(d:Duty)
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
UNION
UNWIND $ids AS tid
MATCH (d:Duty)-[:ADDRESSES]->(t:Node {id: tid})
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
UNION
UNWIND $ids AS tid
MATCH (d:Duty {id: tid})
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
UNION
UNWIND $ids AS tid
MATCH (d:Duty)-[:USES]->(t:Node {id: tid})
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
RETURN tid AS target, d.id AS duty, d.name AS name, o.id AS holder, o.name AS holder_name, o.level AS level
