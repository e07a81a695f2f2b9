// End a user's sessions (all, or all made before $before when it is given).
MATCH (s:LoginSession)
WHERE s.user = $user AND ($before IS NULL OR s.created_at < $before)
DETACH DELETE s
RETURN count(*) AS deleted
