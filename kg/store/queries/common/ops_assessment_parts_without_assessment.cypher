// Answers and evidence of a self-assessment that are not attached to one.
MATCH (n)
WHERE (n:Answer OR n:Evidence) AND NOT EXISTS { MATCH (n)-[:IN_ASSESSMENT]->(:Assessment) }
RETURN n.id AS id, labels(n) AS labels
ORDER BY id
