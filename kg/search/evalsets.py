"""The evaluation sets of ``cem search-eval``: which documents a set's store holds and which
queries score it.

* ``dev``   — the development set: 96 queries written against the bundled content (kg/data) by
  the people who wrote that content.  Store: the bundled content.
* ``field`` — the independent field set (tests/search_eval/field): queries written the way
  street-office staff and grid workers ask, against evaluation documents written apart from the
  bundled content.  Store: the bundled content plus those documents (never product content).

A corpus folder holds YAML files ``{documents: [{id, label, <properties>, links: [...]}]}``;
links are ``{type, to}`` (outgoing) or ``{type, from}`` (incoming) to nodes of the corpus or of
the bundled content.  Every document is stamped ``evaluation_note`` when loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.store.base import GraphStore, StoreError

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "tests" / "search_eval"
KG_DATA = ROOT / "kg" / "data"
EVALUATION_NOTE = "评测材料（tests/search_eval/field）：为检索评测编写的示例社区情景，不是产品内容"


class CorpusError(ValueError):
    """A corpus file is malformed; the message names file, document and field."""


@dataclass(frozen=True)
class EvalSet:
    name: str
    queries: Path
    corpus: Path | None = None  # extra documents on top of the bundled content
    description: str = ""


SETS = {
    "dev": EvalSet("dev", EVAL_DIR / "dev_queries.jsonl", None,
                   "development set: queries written against the bundled content by its authors"),
    "field": EvalSet("field", EVAL_DIR / "field" / "queries.jsonl", EVAL_DIR / "field" / "corpus",
                     "field set: independent queries and evaluation documents written apart from the content"),
}


def read_corpus(folder: str | Path) -> tuple[dict[str, list[dict]], list[dict]]:
    """``({label: [{"id", "properties"}]}, [relationship rows])`` from a corpus folder."""
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise CorpusError(f"{folder}: no *.yaml corpus files")
    nodes: dict[str, list[dict]] = {}
    rels: list[dict] = []
    seen: set[str] = set()
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise CorpusError(f"{path}: {exc}") from exc
        items = doc.get("documents")
        if not isinstance(items, list):
            raise CorpusError(f"{path}: documents: give a list of documents")
        for number, item in enumerate(items, start=1):
            where = f"{path.name}: document {number}"
            if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("label"), str):
                raise CorpusError(f"{where}: id and label are required")
            node_id, label = item["id"], item["label"]
            if node_id in seen:
                raise CorpusError(f"{where}: id {node_id!r} given twice")
            seen.add(node_id)
            props = {k: v for k, v in item.items() if k not in ("id", "label", "links")}
            props["evaluation_note"] = EVALUATION_NOTE
            nodes.setdefault(label, []).append({"id": node_id, "properties": props})
            for link in item.get("links") or []:
                if not isinstance(link, dict) or "type" not in link or ("to" in link) == ("from" in link):
                    raise CorpusError(f"{where} ({node_id}): links: each link is {{type, to}} or {{type, from}}")
                start, end = (node_id, link["to"]) if "to" in link else (link["from"], node_id)
                rels.append({"type": link["type"], "start": start, "end": end})
    return nodes, rels


def load_corpus(store: GraphStore, folder: str | Path) -> int:
    """Write a corpus folder's documents and links into ``store`` (on top of what it holds);
    returns the number of documents."""
    nodes, rels = read_corpus(folder)
    try:
        for label, rows in nodes.items():
            store.upsert_nodes(label, rows)
        store.upsert_relationships(rels)
    except (StoreError, ValueError) as exc:
        raise CorpusError(f"{folder}: {exc}") from exc
    return sum(len(rows) for rows in nodes.values())


def load_bundled(store: GraphStore) -> None:
    """The bundled content (kg/data), as `cem load` writes it."""
    from kg.content.load import load_content
    from kg.content.loader import read_content

    content = read_content([KG_DATA])
    if not content.ok:
        raise CorpusError("the bundled content has problems: " + "; ".join(map(str, content.problems[:5])))
    store.init_schema()
    load_content(store, content)


def fill_store(store: GraphStore, evalset: EvalSet) -> None:
    """Put a set's documents into an empty store: the bundled content, then its own corpus."""
    load_bundled(store)
    if evalset.corpus is not None:
        load_corpus(store, evalset.corpus)
