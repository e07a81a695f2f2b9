// Create or update nodes by business key; the node ends with exactly the given properties.
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n = row.properties
RETURN count(n) AS written
