// Answer sheets per survey: how many, how many reached the pass mark (only sheets sent at or
// after $since when it is given).
MATCH (r:SurveyResponse)
WHERE r.survey IN $surveys AND ($since IS NULL OR r.at >= $since)
RETURN r.survey AS survey, count(r) AS responses, sum(CASE WHEN r.passed THEN 1 ELSE 0 END) AS passed
