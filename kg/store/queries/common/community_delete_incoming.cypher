// Drop the links of the given types that point at a record (a helper's HELPS, a member's TEAM_MEMBER).
MATCH (m)-[r]->(n {id: $id})
WHERE type(r) IN $types
DELETE r
RETURN count(r) AS removed
