// Create or update relationships (one per type, start and end); properties given are set.
UNWIND $rows AS row
MATCH (a:__START__ {id: row.`start`})
MATCH (b:__END__ {id: row.`end`})
MERGE (a)-[r:__TYPE__]->(b)
SET r += row.properties
RETURN count(r) AS written
