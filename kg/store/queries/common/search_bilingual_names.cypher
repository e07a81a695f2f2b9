// Every node that carries an English name, with its Chinese name: the graph's own bilingual
// lexicon (kg.search.lexicon) and the domain phrases of keyword search.
MATCH (n)
WHERE n.name_en IS NOT NULL AND n.name IS NOT NULL
RETURN n.id AS id, labels(n) AS labels, n.name AS name, n.name_en AS name_en
