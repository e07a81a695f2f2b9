// The modules of a course with their units, one row per (module, unit).
MATCH (c:Course {id: $course})-[:HAS_MODULE]->(m:Module)
OPTIONAL MATCH (m)-[:HAS_UNIT]->(u:Unit)
RETURN m.id AS module, m.name AS name, m.name_en AS name_en, m.order AS m_order,
       m.description AS description, u.id AS unit, u.name AS unit_name, u.order AS unit_order
