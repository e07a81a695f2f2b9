// Dates on which a community last did recurring work: answers' last_done and dated evidence,
// across all its assessments (reminders).
MATCH (ans:Answer)-[:IN_ASSESSMENT]->(a:Assessment)
WHERE a.community = $community AND ans.last_done IS NOT NULL
RETURN ans.criterion AS criterion, ans.last_done AS date, a.id AS assessment
UNION
MATCH (e:Evidence)-[:IN_ASSESSMENT]->(a:Assessment)
WHERE a.community = $community AND e.date IS NOT NULL
RETURN e.criterion AS criterion, e.date AS date, a.id AS assessment
