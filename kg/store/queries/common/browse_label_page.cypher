// A page of one label's nodes for the graph browser, ordered by id; optional text filter ($q,
// lower case, matched against id, name and name_en) and property filter ($prop = $value).
MATCH (n)
WHERE $label IN labels(n)
  AND ($q IS NULL OR toLower(n.id) CONTAINS $q OR toLower(coalesce(n.name, '')) CONTAINS $q
       OR toLower(coalesce(n.name_en, '')) CONTAINS $q)
  AND ($value IS NULL OR n[$prop] = $value)
RETURN n.id AS id, n.name AS name, n.name_en AS name_en, n[$prop] AS facet
ORDER BY n.id
SKIP $skip LIMIT $limit
