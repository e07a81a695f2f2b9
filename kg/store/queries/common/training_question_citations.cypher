// The citations of the given questions: each cited source with the locator of the citation.
UNWIND $questions AS qid
MATCH (q:Question {id: qid})-[r:CITES]->(s:Source)
RETURN qid AS question, s.id AS source, r.locator AS locator
