// Drop a record's outgoing links of the given types (before they are written again).
MATCH (n:Node {id: $id})-[r]->()
WHERE type(r) IN $types
DELETE r
RETURN count(r) AS removed
