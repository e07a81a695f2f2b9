// After a report or a transition (same transaction): link the case to its grid, the earlier
// case it repeats, the assigned organization and the duty - only when the case's last event is
// this one (so nothing happens when the guarded write before it did not).
MATCH (c:HazardCase {id: $id}) WHERE c.last_event = $event_id
OPTIONAL MATCH (g:CommunityGrid {id: $grid}) WHERE g.community = c.community
OPTIONAL MATCH (r:HazardCase {id: $recurrence_of}) WHERE r.community = c.community
OPTIONAL MATCH (o:Organization {id: $organization})
OPTIONAL MATCH (d:Duty {id: $duty})
FOREACH (x IN CASE WHEN g IS NULL THEN [] ELSE [1] END | MERGE (c)-[:IN_GRID]->(g))
FOREACH (x IN CASE WHEN r IS NULL THEN [] ELSE [1] END | MERGE (c)-[:RECURS]->(r))
FOREACH (x IN CASE WHEN o IS NULL THEN [] ELSE [1] END | MERGE (c)-[:ASSIGNED_TO]->(o))
FOREACH (x IN CASE WHEN d IS NULL THEN [] ELSE [1] END | MERGE (c)-[:UNDER_DUTY]->(d))
RETURN c.id AS id
