// The bodies each given organization is part of (who sets it up: assessment gap plan owners).
UNWIND $ids AS oid
MATCH (o:Organization {id: oid})-[:PART_OF]->(p:Organization)
RETURN oid AS target, p.id AS id, p.name AS name, p.level AS level
