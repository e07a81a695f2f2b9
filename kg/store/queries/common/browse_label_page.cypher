// A page of one label's nodes for the graph browser, ordered by id; optional text filter ($q,
// lower case, matched against id, name and name_en), property filter ($prop = $value) and
// community scope ($scope: the communities whose records the viewer may see, or null).
MATCH (n:__LABEL__)
WHERE ($q IS NULL OR toLower(n.id) CONTAINS $q OR toLower(coalesce(n.name, '')) CONTAINS $q
       OR toLower(coalesce(n.name_en, '')) CONTAINS $q)
  AND ($value IS NULL OR n[$prop] = $value)
  AND ($scope IS NULL OR coalesce(n.community, n.id) IN $scope)
RETURN n.id AS id, n.name AS name, n.name_en AS name_en, n[$prop] AS facet
ORDER BY n.id
SKIP $skip LIMIT $limit
