// Keep a user's newest $keep tokens; delete the rest.
MATCH (t:ApiToken)
WHERE t.user = $user
WITH t ORDER BY t.created_at DESC, t.id DESC
SKIP $keep
DETACH DELETE t
RETURN count(*) AS deleted
