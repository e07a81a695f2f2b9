// Per grid of one community: the same figures as community_rates, and each closed case's days.
MATCH (c:HazardCase)
WHERE c.community = $community AND c.reported_at >= $since
RETURN c.grid AS grid, count(c) AS reported,
       sum(CASE WHEN c.status IN $handled THEN 1 ELSE 0 END) AS handled,
       sum(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) AS closed,
       collect(CASE WHEN c.status = 'closed' THEN c.days_to_close ELSE null END) AS close_days
