// Nodes of one label with their properties and citations (source id, locator).
UNWIND $ids AS nid
MATCH (n:__LABEL__ {id: nid})
OPTIONAL MATCH (n)-[c:CITES]->(s:Source)
RETURN n.id AS id, properties(n) AS props, collect([s.id, c.locator]) AS citations
