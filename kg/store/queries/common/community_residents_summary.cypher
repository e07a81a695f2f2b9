// How many residents a community lists, how many have a helper, how many got the 明白卡.
MATCH (r:VulnerableResident)
WHERE r.community = $community
OPTIONAL MATCH (p:CommunityPerson)-[:HELPS]->(r)
WITH r, count(p) AS helpers
RETURN count(r) AS residents, sum(CASE WHEN helpers > 0 THEN 1 ELSE 0 END) AS paired,
       sum(CASE WHEN r.card_given = true THEN 1 ELSE 0 END) AS carded
