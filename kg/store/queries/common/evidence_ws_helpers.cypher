// The helpers (结对帮扶人) of vulnerable residents per community, with their accounts.
MATCH (p:CommunityPerson)-[:HELPS]->(:VulnerableResident)
WHERE p.community IN $communities
RETURN DISTINCT p.community AS community, p.id AS person, p.account AS account
