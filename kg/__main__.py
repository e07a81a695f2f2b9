"""`python -m kg` runs the `cem` command line."""

from kg.cli import main

main()
