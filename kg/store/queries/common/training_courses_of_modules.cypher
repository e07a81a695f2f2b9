// The courses that include each of $modules.
UNWIND $modules AS mid
MATCH (c:Course)-[:HAS_MODULE]->(m:Module {id: mid})
RETURN mid AS module, c.id AS course
