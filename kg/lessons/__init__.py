"""The lessons-learned workspace: lessons in the observation / discussion / lesson /
recommendation shape, near-duplicate and recurrence checks, corrective actions and the overdue
list (``kg.lessons.workspace``).  Search over lessons is ``kg.search``'s."""
