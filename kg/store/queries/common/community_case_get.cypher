// One case with its log (oldest first) and its graph links.
MATCH (c:HazardCase {id: $id})
OPTIONAL MATCH (e:CaseEvent)-[:EVENT_OF]->(c)
WITH c, e ORDER BY e.seq
WITH c, collect(properties(e)) AS events
OPTIONAL MATCH (c)-[:CASE_HAZARD]->(h:Hazard)
OPTIONAL MATCH (c)-[:ASSIGNED_TO]->(o:Organization)
OPTIONAL MATCH (c)-[:UNDER_DUTY]->(d:Duty)
OPTIONAL MATCH (c)-[:IN_GRID]->(g:CommunityGrid)
OPTIONAL MATCH (c)-[:RECURS]->(r:HazardCase)
RETURN properties(c) AS case, events,
       CASE WHEN h IS NULL THEN null ELSE {id: h.id, name: h.name} END AS hazard,
       CASE WHEN o IS NULL THEN null ELSE {id: o.id, name: o.name} END AS organization,
       CASE WHEN d IS NULL THEN null ELSE {id: d.id, name: d.name} END AS duty,
       CASE WHEN g IS NULL THEN null ELSE {id: g.id, name: g.name} END AS grid,
       CASE WHEN r IS NULL THEN null ELSE {id: r.id, place: r.place, status: r.status} END AS recurs
