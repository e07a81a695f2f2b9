// The names of each node's hazards, facilities and organizations (its graph neighbours), for the
// keyword scheme that adds them to a node's terms.
MATCH (n:__LABEL__)
OPTIONAL MATCH (n)-[r]-(m)
WHERE type(r) <> 'CITES' AND (m:Hazard OR m:Facility OR m:Organization)
RETURN n.id AS id, collect(DISTINCT m.name) AS names
