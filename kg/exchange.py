"""Export and import the graph as JSON Lines.

One record per line, UTF-8, keys sorted, no spaces:

    {"id":"hazard.rainstorm","kind":"node","labels":["Hazard"],"properties":{"name":"暴雨",...}}
    {"end":"hazard.urban-waterlogging","kind":"relationship","properties":{"source":"src.x"},"start":"hazard.rainstorm","type":"TRIGGERS"}

Nodes come first, sorted by label then id; relationships follow, sorted by type, start, end.
Two exports of the same graph are byte-identical, whichever store holds it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from kg.schema import SchemaError
from kg.store.base import GraphStore, StoreError, check_id, clean_properties, dumps_record


class ImportError_(StoreError):
    """An import file has malformed lines; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportResult:
    nodes: int
    relationships: int


def export_graph(store: GraphStore, out: IO[str]) -> int:
    count = 0
    for record in store.export_records():
        out.write(dumps_record(record) + "\n")
        count += 1
    return count


def parse_records(lines: Iterable[str], store: GraphStore, filename: str = "<input>") -> tuple[list, list, list[str]]:
    """Validate every line; return (nodes, relationships, problems)."""
    nodes, rels, problems = [], [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{filename}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: malformed JSON: {exc.msg}")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: a record must be a JSON object")
            continue
        kind = record.get("kind")
        try:
            if kind == "node":
                extra = set(record) - {"kind", "labels", "id", "properties"}
                if extra:
                    raise StoreError(f"unknown field(s) {', '.join(sorted(extra))}")
                labels = record.get("labels")
                if not isinstance(labels, list) or len(labels) != 1:
                    raise StoreError("labels: a node has exactly one label")
                store.schema.label(labels[0])
                check_id(record.get("id"))
                props = clean_properties(record.get("properties", {}), what="properties")
                nodes.append((labels[0], {"id": record["id"], "properties": props}))
            elif kind == "relationship":
                extra = set(record) - {"kind", "type", "start", "end", "properties"}
                if extra:
                    raise StoreError(f"unknown field(s) {', '.join(sorted(extra))}")
                store.schema.relationship(record.get("type"))
                check_id(record.get("start"), "start")
                check_id(record.get("end"), "end")
                props = clean_properties(record.get("properties", {}), what="properties")
                rels.append({"type": record["type"], "start": record["start"], "end": record["end"],
                             "properties": props})
            else:
                raise StoreError(f"kind: expected 'node' or 'relationship', got {kind!r}")
        except (StoreError, SchemaError) as exc:
            problems.append(f"{where}: {exc}")
    return nodes, rels, problems


def import_graph(store: GraphStore, lines: Iterable[str], filename: str = "<input>",
                 progress=None) -> ImportResult:
    """Import records; a file with any malformed line writes nothing.  Nodes and relationships
    take exactly the properties the file gives (re-importing changes nothing)."""
    nodes, rels, problems = parse_records(lines, store, filename)
    if problems:
        raise ImportError_(problems)
    by_label = defaultdict(list)
    for label, row in nodes:
        by_label[label].append(row)
    written_nodes = 0
    for label, rows in by_label.items():
        written_nodes += store.upsert_nodes(label, rows, replace=True)
        if progress:
            progress(len(rows))
    written_rels = store.upsert_relationships(rels, replace=True) if rels else 0
    if progress and rels:
        progress(len(rels))
    return ImportResult(written_nodes, written_rels)
