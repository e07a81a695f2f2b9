"""README command 1 installs the project with ``pip install .`` (not editable): every file the
packages need at run time (templates, static files, queries, data, catalogues, images) must be
in the wheel.  Setuptools takes data files by the package-data patterns in pyproject.toml, so a
new kind of file (the map's PNG marker icons were one) is silently left out unless a pattern
names it."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kg", "web", "curricula", "assessments")


def test_every_file_in_the_packages_is_code_or_named_by_a_package_data_pattern():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["*"]
    left_out = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".py", ".pyc"):
                continue
            if not any(fnmatch.fnmatch(path.name, pattern) for pattern in patterns):
                left_out.append(str(path.relative_to(ROOT)))
    assert sorted(left_out) == []


def test_the_neo4j_driver_runs_with_its_rust_extension():
    """neo4j-rust-ext is a dependency: the driver packs and reads Bolt messages in Rust (a
    missing or mismatched extension falls back to pure Python silently)."""
    from neo4j._codec.packstream import v1

    assert v1._rust_pack is not None and v1._rust_unpack is not None
