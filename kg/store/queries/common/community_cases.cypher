// A page of a community's cases, newest first, filtered by status, grid, hazard, overdue.
MATCH (c:HazardCase)
WHERE c.community = $community
  AND ($statuses IS NULL OR c.status IN $statuses)
  AND ($grid IS NULL OR c.grid = $grid)
  AND ($hazard IS NULL OR c.hazard = $hazard)
  AND ($overdue_before IS NULL OR (c.status = 'assigned' AND c.deadline < $overdue_before))
  AND ($recurrent IS NULL OR c.recurrence_of IS NOT NULL)
RETURN properties(c) AS case
ORDER BY c.reported_at DESC, c.id
SKIP $skip LIMIT $limit
