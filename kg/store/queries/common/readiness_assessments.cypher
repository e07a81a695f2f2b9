// The cached score summary of every assessment against a standard (readiness view).
MATCH (a:Assessment)
WHERE a.standard = $standard AND ($communities IS NULL OR a.community IN $communities)
RETURN a.id AS id, a.community AS community, a.status AS status, a.created_at AS created_at,
       a.total AS total, a.gates_met AS gates_met, a.qualified AS qualified, a.open_gaps AS open_gaps,
       a.answered_gaps AS answered_gaps, a.unanswered AS unanswered, a.answered AS answered,
       a.submitted_at AS submitted_at, a.signed_off_at AS signed_off_at
