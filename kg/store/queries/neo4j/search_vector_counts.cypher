// Vectors per label in the vector index (sizes a label-filtered index query; cached briefly).
MATCH (n:Node)
WHERE n.embedding IS NOT NULL
UNWIND labels(n) AS label
RETURN label, count(*) AS vectors
