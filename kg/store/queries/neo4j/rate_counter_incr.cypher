// Add $amount to a fixed-window counter, starting a new window when the old one has ended; the
// SET on `touched` takes the node's write lock before the counter is read, so concurrent calls
// (several web workers) never lose an increment.
MERGE (c:Node {id: $id})
ON CREATE SET c:RateCounter, c.count = 0, c.expires_at = 0.0
SET c.touched = $now
WITH c, c.expires_at <= $now AS fresh
SET c.count = CASE WHEN fresh THEN $amount ELSE c.count + $amount END,
    c.expires_at = CASE WHEN fresh THEN $now + $expiry ELSE c.expires_at END
RETURN c.count AS count, c.expires_at AS expires_at
