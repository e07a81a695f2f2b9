// Every record of one workspace label that belongs to one of these communities (evidence rules).
MATCH (n:__LABEL__)
WHERE n.community IN $communities
RETURN n.community AS community, n.id AS id, properties(n) AS props
