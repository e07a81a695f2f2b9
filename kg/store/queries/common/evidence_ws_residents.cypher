// Vulnerable residents per community: how many, paired with a helper, given the 明白卡 (counts only).
MATCH (r:VulnerableResident)
WHERE r.community IN $communities
RETURN r.community AS community, count(r) AS residents, sum(CASE WHEN r.paired = true THEN 1 ELSE 0 END) AS paired,
       sum(CASE WHEN r.card_given = true THEN 1 ELSE 0 END) AS carded
