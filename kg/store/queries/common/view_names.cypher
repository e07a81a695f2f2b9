// Nodes of one label in brief (what a page shows of them and what the access policy needs): the
// sources a node page lists for its relationships' citations.
MATCH (n:__LABEL__)
WHERE n.id IN $ids
RETURN n.id AS id, n.name AS name, n.name_en AS name_en, n.community AS community
