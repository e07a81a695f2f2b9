"""Running the platform for real: the production server (``cem serve``), the first-run set-up
token, the read-only store beside a running server, backup and restore, and the start-up check
of uploaded files against the graph."""
