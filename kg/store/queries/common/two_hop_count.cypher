// How many distinct nodes lie exactly two hops from $id.
MATCH (n {id: $id})--()--(m)
WHERE m.id <> $id
RETURN count(DISTINCT m) AS reached
