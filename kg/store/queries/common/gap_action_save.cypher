// Create or change a tracked gap-plan action, only if its version is still $expected (0: new);
// the version is bumped in the same write.  No row back = someone else changed it meanwhile.
// (SET/REMOVE of lock_marker takes the node's write lock before the version is read.)
MERGE (g:GapAction {id: $id})
ON CREATE SET g.version = 0
SET g.lock_marker = true
REMOVE g.lock_marker
WITH g WHERE g.version = $expected
SET g += $props, g.version = $expected + 1
WITH g
MATCH (c:Community {id: $community})
MERGE (g)-[:FOR_COMMUNITY]->(c)
RETURN g.version AS version
