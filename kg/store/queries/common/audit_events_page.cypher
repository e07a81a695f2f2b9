// A page of audit events, newest first, optionally for one actor and/or one action.
MATCH (e:AuditEvent)
WHERE ($actor IS NULL OR e.actor = $actor) AND ($action IS NULL OR e.action = $action)
RETURN e.id AS id, e.action AS action, e.actor AS actor, e.target AS target, e.details AS details,
       e.at AS at, e.remote_addr AS remote_addr
ORDER BY e.at DESC, e.id DESC
SKIP $skip LIMIT $limit
