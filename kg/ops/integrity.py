"""The start-up check: the graph and the uploaded files agree, and nothing is half-written.

Writes are transactions, so a killed server leaves no half-written record in the graph; what it
can leave is a disagreement between the graph and the upload folder, because a file and its
``Evidence`` node are two steps (the file is written and fsync'd first, then the node):

* a **file without its node** (killed between the two steps, or while deleting): moved to
  ``uploads/orphans/`` (kept, never deleted: a person decides) — a ``.part`` file that never
  became a whole file is removed;
* an **evidence node without its file** (a file deleted by hand, a restore without its files):
  reported (the page then says the file is gone); never deleted automatically;
* a **quiz answer without its attempt**, an answer or evidence without its assessment, a
  workspace **lesson without its phase/source links** (``kg.lessons`` writes the node, then its
  links): reported.

``cem serve`` runs it at every start and logs what it found; ``cem check-data`` prints it.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kg.store import GraphStore

log = logging.getLogger("cem.integrity")
STORED_RE = re.compile(r"^evidence\.[0-9a-f]{16}\.[a-z]{3,4}$")


@dataclass
class Report:
    files_without_node: list[str] = field(default_factory=list)  # relative to uploads/, moved to orphans/
    partial_files_removed: list[str] = field(default_factory=list)
    nodes_without_file: list[str] = field(default_factory=list)  # evidence ids
    answers_without_attempt: list[str] = field(default_factory=list)
    parts_without_assessment: list[str] = field(default_factory=list)
    lessons_without_links: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.files_without_node or self.partial_files_removed or self.nodes_without_file
                    or self.answers_without_attempt or self.parts_without_assessment
                    or self.lessons_without_links)

    def lines(self) -> list[str]:
        out = []
        for title, items in (("evidence files without a node (moved to uploads/orphans/)", self.files_without_node),
                             ("unfinished uploads removed (.part)", self.partial_files_removed),
                             ("evidence nodes whose file is missing", self.nodes_without_file),
                             ("quiz answers without their attempt", self.answers_without_attempt),
                             ("assessment answers/evidence without their assessment",
                              self.parts_without_assessment),
                             ("workspace lessons without their phase/source links (never acknowledged; delete "
                              "them on /lessons or with the graph browser)", self.lessons_without_links)):
            if items:
                out.append(f"{title}: {len(items)}: {', '.join(items[:20])}{' …' if len(items) > 20 else ''}")
        return out or ["uploads and graph agree; nothing half-written"]


def check(store: GraphStore, data_dir: Path, *, repair: bool = True) -> Report:
    """Compare the graph with ``data_dir/uploads``; with ``repair`` move orphan files aside and
    remove unfinished ``.part`` files."""
    report = Report()
    uploads = Path(data_dir) / "uploads"
    root = uploads / "assessments"
    known: dict[Path, str] = {}
    for row in store.run_read("ops_evidence_files"):
        if not STORED_RE.match(str(row["stored"] or "")):
            continue
        path = root / str(row["assessment"]) / str(row["stored"])
        known[path] = row["id"]
        if not path.is_file():
            report.nodes_without_file.append(row["id"])
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            relative = str(path.relative_to(uploads))
            if path.name.endswith(".part"):
                report.partial_files_removed.append(relative)
                if repair:
                    path.unlink(missing_ok=True)
            elif path not in known:
                report.files_without_node.append(relative)
                if repair:
                    target = uploads / "orphans" / path.relative_to(root)
                    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    shutil.move(str(path), str(target))
    report.answers_without_attempt = [r["id"] for r in store.run_read("ops_answers_without_attempt")]
    report.parts_without_assessment = [r["id"] for r in store.run_read("ops_assessment_parts_without_assessment")]
    report.lessons_without_links = [r["id"] for r in store.run_read("ops_lessons_without_links")]
    return report


def log_report(report: Report) -> None:
    for line in report.lines():
        (log.info if report.clean else log.warning)("start-up check: %s", line)


__all__ = ["Report", "check", "log_report"]
