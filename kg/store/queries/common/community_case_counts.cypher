// How many cases of a community are in each state; how many assigned cases are overdue.
MATCH (c:HazardCase)
WHERE c.community = $community
RETURN c.status AS status, count(c) AS n,
       sum(CASE WHEN c.status = 'assigned' AND c.deadline < $today THEN 1 ELSE 0 END) AS overdue
