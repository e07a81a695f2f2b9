MATCH (s:LoginSession)
WHERE s.user = $user
RETURN count(s) AS n
