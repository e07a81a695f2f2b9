// The community people that are this account (a helper, a grid worker with an account ...).
MATCH (p:CommunityPerson)
WHERE p.community = $community AND p.account = $account
RETURN p.id AS id
