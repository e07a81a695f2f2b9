// The objectives of some modules, each with the questions that assess it.
UNWIND $modules AS mid
MATCH (m:Module {id: mid})-[:HAS_OBJECTIVE]->(o:Objective)
OPTIONAL MATCH (o)<-[:ASSESSES]-(q:Question)
RETURN mid AS module, o.id AS objective, o.name AS name, collect(q.id) AS questions
