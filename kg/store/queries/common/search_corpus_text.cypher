// The indexed text of every searchable node, with its labels (the lexicon keeps dictionary words
// that occur in the text of the labels every reader sees: kg.search.lexicon.store_lexicon).
MATCH (n)
WHERE n.search_text IS NOT NULL
RETURN n.search_text AS text, labels(n) AS labels
