// The surveys of some communities (all when $communities is null), newest first.
MATCH (s:Survey)
WHERE $communities IS NULL OR s.community IN $communities
RETURN properties(s) AS survey
ORDER BY s.opened_at DESC, s.id
