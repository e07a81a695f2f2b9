// Use the first-run set-up token once: the SET on `tried_at` takes the node's write lock before
// the token is checked, so of two requests (in any web worker) with the right token only one
// gets ok = true.
MATCH (t:SetupToken {id: $id})
SET t.tried_at = $now
WITH t, (t.used_at IS NULL AND t.token_hash = $token_hash AND t.expires_at > $now) AS ok
SET t.used_at = CASE WHEN ok THEN $now ELSE t.used_at END
RETURN ok
