// How many nodes browse_label_page would list (all pages).
MATCH (n:__LABEL__)
WHERE ($q IS NULL OR toLower(n.id) CONTAINS $q OR toLower(coalesce(n.name, '')) CONTAINS $q
       OR toLower(coalesce(n.name_en, '')) CONTAINS $q)
  AND ($value IS NULL OR n[$prop] = $value)
  AND ($scope IS NULL OR coalesce(n.community, n.id) IN $scope)
RETURN count(n) AS n
