// Earlier cases of the same hazard in the community (for the recurrence check).
MATCH (c:HazardCase)
WHERE c.community = $community AND c.hazard = $hazard AND c.id <> $id
RETURN c.id AS id, c.place_key AS place_key, c.x AS x, c.y AS y, c.status AS status, c.reported_at AS reported_at
ORDER BY c.reported_at DESC
LIMIT 500
