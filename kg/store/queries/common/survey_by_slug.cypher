// The survey behind a public link.
MATCH (s:Survey {slug: $slug})
RETURN properties(s) AS survey
