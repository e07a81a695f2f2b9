// Duties that address a lesson's hazards: first those held by the organizations the lesson asks
// to act or concerns ($orgs), then by how many of its hazards they address.
MATCH (l:LessonLearned {id: $id})-[:ABOUT]->(h:Hazard)<-[:ADDRESSES]-(d:Duty)
WITH d, count(DISTINCT h) AS shared
OPTIONAL MATCH (o:Organization)-[:HAS_DUTY]->(d)
WITH d, shared, collect(DISTINCT o.id) AS holder_ids, collect(DISTINCT o.name) AS holders
WITH d, shared, holders, size([x IN holder_ids WHERE x IN $orgs]) AS named
RETURN d.id AS id, d.name AS name, holders, named, shared
ORDER BY named DESC, shared DESC, id
LIMIT $limit
