// Give a used set-up token back (the admin account could not be created after all).
MATCH (t:SetupToken {id: $id})
WHERE t.token_hash = $token_hash
REMOVE t.used_at
RETURN count(t) AS released
