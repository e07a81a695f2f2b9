// Answer sheets per community since $since (all surveys of the community): how many, how many
// reached their survey's pass mark.
MATCH (r:SurveyResponse)
WHERE r.community IN $communities AND r.at >= $since
RETURN r.community AS community, count(r) AS responses, sum(CASE WHEN r.passed THEN 1 ELSE 0 END) AS passed,
       collect(DISTINCT r.survey) AS surveys
