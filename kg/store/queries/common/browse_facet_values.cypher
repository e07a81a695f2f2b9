// The distinct values of one property over one label's (visible) nodes, with counts.
MATCH (n:__LABEL__)
WHERE n[$prop] IS NOT NULL AND ($scope IS NULL OR coalesce(n.community, n.id) IN $scope)
RETURN n[$prop] AS value, count(n) AS n
ORDER BY value
LIMIT 200
