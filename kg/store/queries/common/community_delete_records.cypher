// Remove a batch of a community's records (sample removal): nodes of the given labels whose
// `community` is this one.
MATCH (n)
WHERE n.community = $community AND any(l IN labels(n) WHERE l IN $labels)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
