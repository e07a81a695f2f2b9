// The hazards these risk assessments rate, with the ratings on the relationship.
MATCH (a:RiskAssessment)-[r:RISK_OF]->(h:Hazard)
WHERE a.id IN $ids
RETURN a.id AS id, h.id AS target, h.name AS name, properties(r) AS props
