// Community plans of some communities (all when $communities is null).
MATCH (p:CommunityPlan)
WHERE $communities IS NULL OR p.community IN $communities
RETURN properties(p) AS plan
ORDER BY p.community
