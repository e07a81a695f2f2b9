// Every uploaded evidence file the graph knows: the evidence id, its assessment and stored name.
MATCH (e:Evidence)
WHERE e.kind = 'file' AND e.stored IS NOT NULL
RETURN e.id AS id, e.assessment AS assessment, e.stored AS stored
ORDER BY id
