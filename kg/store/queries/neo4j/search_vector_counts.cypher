// Vectors of one searchable label (a scan of that label only); with the other labels' counts
// (joined by UNION ALL) it sizes a label-filtered vector query; cached briefly.
MATCH (n:__LABEL__)
WHERE n.embedding IS NOT NULL
RETURN '__LABEL__' AS label, count(n) AS vectors
