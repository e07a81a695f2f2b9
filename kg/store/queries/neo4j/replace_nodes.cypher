// Create or update nodes by business key; the node ends with exactly the given properties.
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:__LABEL__
SET n = row.properties
RETURN count(n) AS written
