// The accounts of some communities with their roles (evidence rules: trained people).
MATCH (u:User)
WHERE u.community IN $communities AND u.active = true
RETURN u.community AS community, u.id AS id, u.roles AS roles
