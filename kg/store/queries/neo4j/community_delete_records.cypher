MATCH (n:Node)
WHERE n.community = $community AND any(l IN labels(n) WHERE l IN $labels)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
