// Every course with its kind and the audience it is written for (a list of group names, or null).
MATCH (c:Course)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.audience AS audience
ORDER BY id
