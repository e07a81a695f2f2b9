// Delete every counter (all of them, or only those whose window ended before $before).
MATCH (c:RateCounter)
WHERE $before IS NULL OR c.expires_at < $before
DETACH DELETE c
RETURN count(*) AS deleted
