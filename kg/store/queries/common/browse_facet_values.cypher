// The distinct values of one property over one label's nodes, with counts (filter choices).
MATCH (n)
WHERE $label IN labels(n) AND n[$prop] IS NOT NULL
RETURN n[$prop] AS value, count(n) AS n
ORDER BY value
LIMIT 200
