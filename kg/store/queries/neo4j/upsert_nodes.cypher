// Create or update nodes by business key; properties given are set, others kept.
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n:__LABEL__
SET n += row.properties
RETURN count(n) AS written
