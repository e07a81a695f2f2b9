MATCH (s:LoginSession)
WHERE s.expires_at < $now
DETACH DELETE s
RETURN count(*) AS deleted
