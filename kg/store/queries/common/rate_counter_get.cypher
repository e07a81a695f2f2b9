MATCH (c:RateCounter {id: $id})
WHERE c.expires_at > $now
RETURN c.count AS count, c.expires_at AS expires_at
