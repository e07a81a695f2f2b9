// Per community (all, or those in $communities): cases reported since $since, how many are
// handled (closed or escalated), closed, and the summed days to close.
MATCH (c:HazardCase)
WHERE c.reported_at >= $since AND ($communities IS NULL OR c.community IN $communities)
RETURN c.community AS community, count(c) AS reported,
       sum(CASE WHEN c.status IN $handled THEN 1 ELSE 0 END) AS handled,
       sum(CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END) AS closed,
       sum(CASE WHEN c.status = 'closed' THEN c.days_to_close ELSE 0 END) AS close_days
