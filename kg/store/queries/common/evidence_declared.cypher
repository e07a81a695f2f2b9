// The criteria of a standard that declare an evidence rule.
MATCH (c:Criterion {standard: $standard})
WHERE c.evidence_rule IS NOT NULL
RETURN c.id AS id, c.number AS number, c.scoring AS scoring, c.target AS target, c.evidence_rule AS rule,
       c.evidence_params AS params, c.evidence_basis AS basis
