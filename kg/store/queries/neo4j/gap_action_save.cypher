// Create or change a tracked gap-plan action (see queries/common/gap_action_save.cypher).
MERGE (g:Node {id: $id})
ON CREATE SET g:GapAction, g.version = 0
SET g.lock_marker = true
REMOVE g.lock_marker
WITH g WHERE g.version = $expected
SET g += $props, g.version = $expected + 1
WITH g
MATCH (c:Community {id: $community})
MERGE (g)-[:FOR_COMMUNITY]->(c)
RETURN g.version AS version
