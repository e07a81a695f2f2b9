// The indexed text of every searchable node (the lexicon keeps dictionary words that occur in it).
MATCH (n)
WHERE n.search_text IS NOT NULL
RETURN n.search_text AS text
