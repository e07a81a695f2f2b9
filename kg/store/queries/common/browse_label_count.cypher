// How many nodes browse_label_page would list (all pages).
MATCH (n)
WHERE $label IN labels(n)
  AND ($q IS NULL OR toLower(n.id) CONTAINS $q OR toLower(coalesce(n.name, '')) CONTAINS $q
       OR toLower(coalesce(n.name_en, '')) CONTAINS $q)
  AND ($value IS NULL OR n[$prop] = $value)
RETURN count(n) AS n
