// Members of the response teams of these communities, with their accounts.
MATCH (p:CommunityPerson)-[:TEAM_MEMBER]->(t:ResponseTeam)
WHERE t.community IN $communities
RETURN t.id AS team, p.id AS person, p.account AS account
