"""The folder tree keeps its layering: the domain packages (kg, curricula, assessments) never
import the web layer, so web/ holds only HTTP (routes, forms, templates, the session glue).  The
one exception is the command line's `serve`, an entry point that starts the web app (as
web/wsgi.py does), importing it inside the command."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_domain_packages_never_import_web():
    offenders = []
    for package in ("kg", "curricula", "assessments"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                if any(n == "web" or n.startswith("web.") for n in names):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    entry_points = {o for o in offenders if o.startswith("kg/cli.py:")}
    for where in entry_points:  # only inside a function (the serve command), never at import
        line = int(where.rsplit(":", 1)[1])
        text = (ROOT / "kg" / "cli.py").read_text(encoding="utf-8").splitlines()[line - 1]
        assert text.startswith((" ", "\t")), where
    offenders = [o for o in offenders if o not in entry_points]
    assert offenders == []
