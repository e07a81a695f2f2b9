// The ids of one community-scoped label's records that belong to the given communities (a search
// over that label is restricted to them: another community's records are never ranked).
MATCH (n:__LABEL__)
WHERE n.community IN $communities
RETURN n.id AS id
