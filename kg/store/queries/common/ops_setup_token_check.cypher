// Whether a set-up token is the current, unused, unexpired one (no write: opening the page).
MATCH (t:SetupToken {id: $id})
RETURN t.token_hash = $token_hash AND t.used_at IS NULL AND t.expires_at > $now AS ok
