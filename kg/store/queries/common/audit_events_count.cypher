// How many audit events match (see audit_events_page).
MATCH (e:AuditEvent)
WHERE ($actor IS NULL OR e.actor = $actor) AND ($action IS NULL OR e.action = $action)
RETURN count(e) AS n
