// search-eval: empty the (formerly empty) evaluation store after a set has been scored.
MATCH (n)
DETACH DELETE n
