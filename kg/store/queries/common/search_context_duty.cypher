// Graph context of a duty: who holds it, its phase, the hazards it addresses, the facilities it
// relies on and the plans that assign it.
MATCH (d:Duty {id: $id})
RETURN d.description AS description, d.deadline AS deadline,
       [(o:Organization)-[:HAS_DUTY]->(d) | {id: o.id, name: o.name}] AS holders,
       [(d)-[:IN_PHASE]->(p:Phase) | {id: p.id, name: p.name}] AS phases,
       [(d)-[:ADDRESSES]->(h:Hazard) | {id: h.id, name: h.name}] AS hazards,
       [(d)-[:USES]->(f:Facility) | {id: f.id, name: f.name}] AS facilities,
       [(p:Plan)-[:ASSIGNS]->(d) | {id: p.id, name: p.name}] AS plans
