// Drills of some communities (all when $communities is null), latest first.
MATCH (d:Drill)
WHERE $communities IS NULL OR d.community IN $communities
RETURN properties(d) AS drill
ORDER BY d.held_on DESC, d.id
