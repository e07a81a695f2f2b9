// One evidence item and the assessment it belongs to.
MATCH (e:Evidence {id: $id})-[:IN_ASSESSMENT]->(a:Assessment)
RETURN properties(e) AS evidence, properties(a) AS assessment
