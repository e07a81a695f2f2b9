// The graph nodes a question points at (what it tests, the lesson it is built on, its objectives).
UNWIND $questions AS qid
MATCH (q:Question {id: qid})-[r]->(n)
WHERE type(r) IN ['TESTS', 'BASED_ON', 'ASSESSES']
RETURN qid AS question, type(r) AS rel, n.id AS id, labels(n) AS labels, n.name AS name
