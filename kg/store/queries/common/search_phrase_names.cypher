// Names of the nodes whose names are domain phrases (hazards, organizations, facilities, plans,
// phases): keyword search keeps each as one term besides its characters.
MATCH (n)
WHERE (n:Hazard OR n:Organization OR n:Facility OR n:Plan OR n:Phase) AND n.name IS NOT NULL
RETURN n.name AS name
