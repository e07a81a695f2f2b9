// One assessment with its answers, evidence, reviews and community.
MATCH (a:Assessment {id: $id})
OPTIONAL MATCH (ans:Answer)-[:IN_ASSESSMENT]->(a)
WITH a, collect(properties(ans)) AS answers
OPTIONAL MATCH (e:Evidence)-[:IN_ASSESSMENT]->(a)
WITH a, answers, collect(properties(e)) AS evidence
OPTIONAL MATCH (r:Review)-[:IN_ASSESSMENT]->(a)
WITH a, answers, evidence, collect(properties(r)) AS reviews
OPTIONAL MATCH (a)-[:ASSESSES_COMMUNITY]->(co:Community)
RETURN properties(a) AS assessment, answers, evidence, reviews, properties(co) AS community
