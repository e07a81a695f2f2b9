// Ledger cases placed on the community map, per community.
MATCH (c:HazardCase)
WHERE c.community IN $communities AND c.x IS NOT NULL
RETURN c.community AS community, count(c) AS placed
