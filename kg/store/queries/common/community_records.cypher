// Every record of one label that belongs to a community, by id.
MATCH (n:__LABEL__)
WHERE n.community = $community
RETURN n.id AS id, properties(n) AS props
ORDER BY n.id
