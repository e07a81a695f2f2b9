// Search filter: an organization and the nodes about it (its duties, lessons concerning it or
// recommending it act, facilities it runs).
MATCH (o:Organization {id: $organization})
OPTIONAL MATCH (o)-[:HAS_DUTY|OPERATES]->(a)
WITH o, collect(DISTINCT a.id) AS own
OPTIONAL MATCH (b)-[:CONCERNS|RECOMMENDS_ACTION_BY|FOR_ROLE]->(o)
WITH o, own, collect(DISTINCT b.id) AS about
RETURN [o.id] + own + about AS ids
