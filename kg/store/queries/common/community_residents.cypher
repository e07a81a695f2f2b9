// A community's vulnerable residents (all, or those paired with $people), each with its helpers.
MATCH (r:VulnerableResident)
WHERE r.community = $community
OPTIONAL MATCH (p:CommunityPerson)-[:HELPS]->(r)
WITH r, collect(p.id) AS helpers
WHERE $people IS NULL OR any(h IN helpers WHERE h IN $people)
RETURN r.id AS id, properties(r) AS props, helpers
ORDER BY r.id
