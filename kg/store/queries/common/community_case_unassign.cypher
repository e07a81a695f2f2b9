// Before a new assignment (same transaction, after the guarded write): drop the old links.
MATCH (c:HazardCase {id: $id})-[r:ASSIGNED_TO|UNDER_DUTY]->()
WHERE c.last_event = $event_id
DELETE r
RETURN count(r) AS removed
