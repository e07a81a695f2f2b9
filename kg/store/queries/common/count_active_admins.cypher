// Active accounts holding the admin role (the last one cannot be demoted or disabled).
MATCH (u:User)
WHERE u.active = true AND 'admin' IN u.roles
RETURN count(u) AS n
