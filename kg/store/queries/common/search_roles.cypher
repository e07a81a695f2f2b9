// Every organization or role, for the situation page's role list (grouped by kg.search.roles).
MATCH (o:Organization)
RETURN o.id AS id, o.name AS name, o.name_en AS name_en, o.kind AS kind, o.level AS level
