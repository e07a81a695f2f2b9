// Every cited source with what locates it: its address and whether that address is a mirror.
MATCH (s:Source)
RETURN s.id AS id, s.url AS url, s.mirror AS mirror
ORDER BY id
