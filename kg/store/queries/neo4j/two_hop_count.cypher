// How many distinct nodes lie exactly two hops from $id.
MATCH (n:Node {id: $id})--()--(m)
WHERE m.id <> $id
RETURN count(DISTINCT m) AS reached
