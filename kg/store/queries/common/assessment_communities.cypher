// Communities, optionally only those in some areas (the street/town office that reviews them).
MATCH (co:Community)
WHERE $areas IS NULL OR co.area IN $areas
RETURN co.id AS id, properties(co) AS community
ORDER BY co.id
