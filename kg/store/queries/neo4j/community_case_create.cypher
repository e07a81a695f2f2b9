// Report a hazard case once: nothing is written when a case with this id (the phone's
// idempotency key) already exists.  Writes the case, its community and hazard links and the
// first log entry in one transaction.  No row back = it existed already.
MATCH (co:Community {id: $community})
MATCH (h:Hazard {id: $hazard})
OPTIONAL MATCH (existing:Node {id: $id})
WITH co, h, existing WHERE existing IS NULL
CREATE (c:Node:HazardCase {id: $id})
SET c += $props
MERGE (c)-[:CASE_OF]->(co)
MERGE (c)-[:CASE_HAZARD]->(h)
CREATE (e:Node:CaseEvent {id: $event_id})
SET e += $event
MERGE (e)-[:EVENT_OF]->(c)
RETURN c.id AS id
