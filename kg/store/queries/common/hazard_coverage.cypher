// For each hazard: its family and what reaches it (duties, plans, lessons, course modules,
// checklist criteria), as (hazard, relationship type, source label, count) rows.
MATCH (h:Hazard)
OPTIONAL MATCH (h)-[:SUBTYPE_OF]->(f:Hazard)
OPTIONAL MATCH (h)<-[r]-(x)
WHERE type(r) IN ['ADDRESSES', 'COVERS', 'ABOUT', 'TEACHES', 'REQUIRES']
RETURN h.id AS id, h.name AS name, h.name_en AS name_en, h.level AS level, h.category AS category,
       f.id AS family, type(r) AS rel, labels(x) AS labels, collect(DISTINCT x.id) AS sources
