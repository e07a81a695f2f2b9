// What the given criteria require (duties, plans, facilities, bodies, hazards) and the training
// that satisfies them (assessment gap plan).
UNWIND $ids AS cid
MATCH (c:Criterion {id: cid})-[r:REQUIRES|SATISFIED_BY]->(t)
RETURN cid AS criterion, type(r) AS rel, labels(t) AS labels, t.id AS id, t.name AS name,
       t.name_en AS name_en, t.kind AS kind, t.level AS level, t.requirements AS requirements,
       r.note AS note
