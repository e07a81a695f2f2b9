// Create or update nodes by business key; properties given are set, others kept.
UNWIND $rows AS row
MERGE (n:__LABEL__ {id: row.id})
SET n += row.properties
RETURN count(n) AS written
