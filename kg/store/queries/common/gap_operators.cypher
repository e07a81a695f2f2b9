// Organizations that run each given facility (assessment gap plan: to whom).
UNWIND $ids AS tid
MATCH (o:Organization)-[:OPERATES]->(f:Facility {id: tid})
RETURN tid AS target, o.id AS id, o.name AS name, o.level AS level
