// The certificates held by these accounts (team members' training records).
MATCH (u:User)-[:HOLDS]->(x:Certificate)
WHERE u.id IN $accounts
RETURN u.id AS account, x.id AS id, x.course AS course, x.expires_at AS expires_at, x.issued_at AS issued_at
