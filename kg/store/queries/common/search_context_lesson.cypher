// "So what do I do" for a lesson: its incident, phase, hazards, the organizations it concerns or
// asks to act, the duties those organizations hold for its hazards, the plans that cover it and
// the training modules and units that teach it.
MATCH (l:LessonLearned {id: $id})
RETURN l.recommendation AS recommendation, l.lesson AS lesson,
       [(l)-[:FROM_INCIDENT]->(i:Incident) | {id: i.id, name: i.name, date: i.date, place: i.place}] AS incidents,
       [(l)-[:IN_PHASE]->(p:Phase) | {id: p.id, name: p.name}] AS phases,
       [(l)-[:ABOUT]->(h:Hazard) | {id: h.id, name: h.name}] AS hazards,
       [(l)-[:ABOUT]->(f:Facility) | {id: f.id, name: f.name}] AS facilities,
       [(l)-[:RECOMMENDS_ACTION_BY]->(o:Organization) | {id: o.id, name: o.name}] AS act,
       [(l)-[:CONCERNS]->(o:Organization) | {id: o.id, name: o.name}] AS concerned,
       [(l)-[:ABOUT]->(p:Plan) | {id: p.id, name: p.name}] AS plans
