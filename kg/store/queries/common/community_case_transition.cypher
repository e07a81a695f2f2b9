// The one guarded write of a hazard case: only when its version is still $expected and its
// status one of $from_states.  Sets $props, bumps the version and adds the log entry, in one
// transaction.  No row back = the version or the state check failed.
// (SET/REMOVE of lock_marker takes the node's write lock before the version is read.)
MATCH (c:HazardCase {id: $id})
SET c.lock_marker = true
REMOVE c.lock_marker
WITH c WHERE c.version = $expected AND c.status IN $from_states
SET c += $props, c.version = $expected + 1
CREATE (e:CaseEvent {id: $event_id})
SET e += $event
MERGE (e)-[:EVENT_OF]->(c)
RETURN c.version AS version
