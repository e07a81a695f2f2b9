// The findings of an after-action review.
MATCH (f:DrillFinding)-[:FINDING_OF]->(:AfterActionReview {id: $review})
RETURN properties(f) AS finding
