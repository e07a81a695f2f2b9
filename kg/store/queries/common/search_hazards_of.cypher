// The hazards each of these nodes is about, addresses, covers, involves or mitigates (a hazard
// itself: its family), for re-ranking by graph proximity to a query's hazards.
MATCH (n)
WHERE n.id IN $ids
OPTIONAL MATCH (n)-[:ABOUT|ADDRESSES|COVERS|INVOLVED|MITIGATES|SUBTYPE_OF]->(h:Hazard)
RETURN n.id AS id, collect(DISTINCT h.id) AS hazards
