// The outgoing links of a community's records of one label: (record, type, target id, target name).
MATCH (n:__LABEL__)-[r]->(m)
WHERE n.community = $community
RETURN n.id AS id, type(r) AS type, m.id AS target, m.name AS name, properties(r) AS props
