// Communities with their population where it is known.
MATCH (c:Community)
RETURN c.id AS id, c.name AS name, c.population AS population
