// How many residents a community lists, how many have a helper (`paired`, kept with the
// HELPS links), how many got the 明白卡.
MATCH (r:VulnerableResident)
WHERE r.community = $community
RETURN count(r) AS residents, sum(CASE WHEN r.paired = true THEN 1 ELSE 0 END) AS paired,
       sum(CASE WHEN r.card_given = true THEN 1 ELSE 0 END) AS carded
