// Areas for improvement per drill (evidence rules: a drill that found something to improve needs
// a plan revision after it).
MATCH (f:DrillFinding)
WHERE f.community IN $communities AND f.kind = 'improvement'
RETURN f.drill AS drill, count(f) AS improvements
