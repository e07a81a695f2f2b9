// Per question of one survey: how many answer sheets got it right.
MATCH (r:SurveyResponse {survey: $survey})
UNWIND r.right AS question
RETURN question, count(*) AS right
