"""The one interface to the graph: ``GraphStore``.

Both backends (``EmbeddedStore`` on kglite, ``Neo4jStore`` on a Neo4j server) implement it and
pass one contract test suite.  Every query lives in a ``.cypher`` file under ``queries/``
(``common/`` for text both backends share, ``neo4j/`` for Neo4j's own versions); values are
always parameters, and labels and relationship types are checked against the schema before they
are placed into a query template (``__LABEL__``, ``__START__``, ``__END__``, ``__TYPE__``).

Results are plain data: nodes are ``{"id", "label", "properties"}`` dicts whose properties never
include ``id``.
"""

from __future__ import annotations

import json
import math
import re
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

from kg.schema import Schema, SchemaError, load_schema

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$")
#: Property names a node or relationship may not use (kglite reserves them; `id` is the key).
RESERVED_PROPERTIES = frozenset({"id", "title", "type"})
#: Node properties the search index keeps (kg.search); never shown as content or exported.
SEARCH_PROPERTIES = frozenset({"embedding", "search_text", "search_terms", "search_hash", "search_model"})
PLACEHOLDERS = ("__LABEL__", "__START__", "__END__", "__TYPE__", "__DEPTH__")
MAX_DEPTH = 3


class StoreError(RuntimeError):
    """A store operation failed; the message is meant for people."""


class StoreUnavailable(StoreError):
    """The store cannot be reached."""


class ConstraintViolation(StoreError):
    """A write would break a constraint (an id used by another label, a duplicate key ...)."""


class QueryTimeout(StoreError):
    """A read ran past its time budget and was stopped (ask for less)."""


class NotFound(StoreError):
    """A node named by a write does not exist."""


class InvalidRecord(StoreError):
    """A record handed to the store is malformed."""


@dataclass(frozen=True)
class Health:
    kind: str
    location: str
    ok: bool
    detail: str = ""

    def as_dict(self) -> dict:
        return {"store": self.kind, "location": self.location, "ok": self.ok, "detail": self.detail}


@cache
def query_text(backend: str, name: str) -> str:
    """The text of a named query: the backend's own file if present, else the common one."""
    if not re.fullmatch(r"[a-z_]+", name):
        raise StoreError(f"bad query name {name!r}")
    base = resources.files("kg.store") / "queries"
    for folder in (backend, "common"):
        path = base / folder / f"{name}.cypher"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise StoreError(f"no query named {name!r}")


def check_value(key: str, value: Any) -> Any:
    """Properties hold what both backends store alike: str, int, float, bool, or a flat list
    of one of those.  Anything else is refused rather than silently changed."""
    if isinstance(value, bool) or isinstance(value, (str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidRecord(f"property {key!r}: only finite numbers can be stored")
        return value
    if isinstance(value, (list, tuple)):
        kinds = {type(v) for v in value}
        if len(kinds) > 1 and not kinds <= {int, float}:
            raise InvalidRecord(f"property {key!r}: a list must hold values of one type")
        for v in value:
            if isinstance(v, (list, tuple, dict)) or v is None:
                raise InvalidRecord(f"property {key!r}: a list may hold only strings, numbers or booleans")
            check_value(key, v)
        return list(value)
    raise InvalidRecord(f"property {key!r}: cannot store a value of type {type(value).__name__}")


PROPERTY_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_good_names: set[str] = set()


def clean_properties(properties: dict | None, *, what: str) -> dict:
    if not properties:
        if properties is None or isinstance(properties, dict):
            return {}
    if not isinstance(properties, dict):
        raise InvalidRecord(f"{what}: properties must be a mapping")
    out = {}
    for key, value in properties.items():
        if key not in _good_names:
            if not isinstance(key, str) or not PROPERTY_NAME_RE.fullmatch(key):
                raise InvalidRecord(f"{what}: bad property name {key!r}")
            if key in RESERVED_PROPERTIES:
                raise InvalidRecord(f"{what}: property name {key!r} is reserved")
            _good_names.add(key)
        if value is None:
            continue
        kind = type(value)
        if kind is str or kind is int or (kind is float and math.isfinite(value)):
            out[key] = value
        else:
            out[key] = check_value(key, value)
    return out


def check_id(value: Any, what: str = "id") -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InvalidRecord(f"{what}: bad id {value!r} (letters, digits and . _ : @ -, at most 200)")
    return value


class GraphStore(ABC):
    """The graph, whichever backend holds it."""

    kind: str = "abstract"
    backend: str = "common"
    batch_size: int = 5000

    def __init__(self, schema: Schema | None = None):
        self.schema = schema or load_schema()

    # --- backend primitives ----------------------------------------------------------
    @abstractmethod
    def _read(self, query: str, params: dict, timeout: float | None = None) -> list[dict]:
        """Run one read statement in a read transaction (stopped with ``QueryTimeout`` after
        ``timeout`` seconds when given)."""

    @abstractmethod
    def _write(self, statements: list[tuple[str, dict]]) -> list[list[dict]]:
        """Run statements in one write transaction (all or nothing)."""

    @abstractmethod
    def init_schema(self) -> list[str]:
        """Create constraints and indexes (idempotent); return what was ensured."""

    @abstractmethod
    def health(self) -> Health: ...

    @abstractmethod
    def close(self) -> None: ...

    @property
    @abstractmethod
    def location(self) -> str: ...

    # --- helpers ----------------------------------------------------------------------
    def _labels(self, labels: list[str]) -> list[str]:
        """Labels as callers see them (backend bookkeeping labels removed)."""
        return [label for label in labels if label in self.schema.labels]

    def _props(self, properties: dict) -> dict:
        return {k: v for k, v in properties.items() if k not in RESERVED_PROPERTIES}

    def _node(self, row: dict) -> dict:
        labels = self._labels(row["labels"])
        return {"id": row["id"], "label": labels[0] if labels else None,
                "properties": {k: v for k, v in row["properties"].items()
                               if k not in RESERVED_PROPERTIES and k not in SEARCH_PROPERTIES}}

    def _template(self, name: str, **parts: str) -> str:
        text = query_text(self.backend, name)
        for key, value in parts.items():
            text = text.replace(f"__{key.upper()}__", value)
        return text

    # --- named queries (each area keeps its own .cypher files) -------------------------
    def run_read(self, name: str, **params) -> list[dict]:
        """Run a named read query with parameters."""
        return self._read(query_text(self.backend, name), params)

    def run_read_for(self, name: str, label: str, **params) -> list[dict]:
        """Run a named read query whose text names a label (``__LABEL__``); the label is checked
        against the schema before it is placed into the query."""
        return self._read(self._template(name, label=self.schema.label(label).name), params)

    def run_write(self, name: str, **params) -> list[dict]:
        """Run a named write query with parameters in one transaction."""
        return self._write([(query_text(self.backend, name), params)])[0]

    def run_writes(self, statements: list[tuple[str, dict]]) -> list[list[dict]]:
        """Run several named write queries in one transaction (all or nothing); one result per
        query, in order."""
        return self._write([(query_text(self.backend, name), params) for name, params in statements])

    # --- nodes --------------------------------------------------------------------------
    def labels_of(self, ids: Iterable[str]) -> dict[str, str]:
        ids = list(dict.fromkeys(ids))
        found: dict[str, str] = {}
        query = query_text(self.backend, "labels_of_ids")
        for start in range(0, len(ids), self.batch_size):
            rows = self._read(query, {"ids": ids[start:start + self.batch_size]})
            for row in rows:
                labels = self._labels(row["labels"])
                if labels:
                    found[row["id"]] = labels[0]
        return found

    def _node_rows(self, label: str, rows: Iterable[dict], replace: bool) -> list[dict]:
        spec = self.schema.label(label)
        out, seen = [], set()
        for row in rows:
            node_id = check_id(row.get("id") if isinstance(row, dict) else None, f"{label} node")
            if node_id in seen:
                raise InvalidRecord(f"{label} {node_id}: given twice in one batch")
            seen.add(node_id)
            props = clean_properties(row.get("properties"), what=f"{label} {node_id}")
            missing = [p for p in spec.required if p != "id" and props.get(p) in (None, "", [])]
            if missing:
                raise InvalidRecord(f"{label} {node_id}: missing required properties {', '.join(missing)}")
            if replace:
                props = dict(props, id=node_id)
            out.append({"id": node_id, "properties": props})
        return out

    def upsert_nodes(self, label: str, rows: Iterable[dict], *, replace: bool = False) -> int:
        """Create or update nodes of one label by ``id`` in batches (one transaction each).

        ``rows`` are ``{"id": ..., "properties": {...}}``.  With ``replace`` a node ends with
        exactly the given properties; otherwise given properties are set and others kept.
        An id already used by a node of another label is refused.
        """
        self.schema.label(label)
        prepared = self._node_rows(label, rows, replace)
        written = 0
        for start in range(0, len(prepared), self.batch_size):
            batch = prepared[start:start + self.batch_size]
            clash = {i: found for i, found in self.labels_of([r["id"] for r in batch]).items() if found != label}
            if clash:
                first = next(iter(clash.items()))
                raise ConstraintViolation(f"id {first[0]!r} is already used by a {first[1]} node, not {label}")
            query = self._template("replace_nodes" if replace else "upsert_nodes", label=label)
            result = self._write([(query, {"rows": batch})])[0]
            written += result[0]["written"] if result else 0
        return written

    def get_node(self, node_id: str) -> dict | None:
        rows = self._read(query_text(self.backend, "get_node"), {"id": node_id})
        return self._node(rows[0]) if rows else None

    def get_nodes(self, ids: Iterable[str]) -> dict[str, dict]:
        ids = list(dict.fromkeys(ids))
        out: dict[str, dict] = {}
        for start in range(0, len(ids), self.batch_size):
            for row in self._read(query_text(self.backend, "get_nodes"), {"ids": ids[start:start + self.batch_size]}):
                out[row["id"]] = self._node(row)
        return out

    def nodes_by_label(self, label: str, *, skip: int = 0, limit: int = 50) -> list[dict]:
        self.schema.label(label)
        rows = self._read(self._template("nodes_by_label", label=label), {"skip": int(skip), "limit": int(limit)})
        return [self._node(r) for r in rows]

    def delete_node(self, node_id: str) -> bool:
        if self.get_node(node_id) is None:
            return False
        self._write([(query_text(self.backend, "delete_node"), {"id": node_id})])
        return True

    # --- relationships ------------------------------------------------------------------
    def upsert_relationships(self, rows: Iterable[dict], *, replace: bool = False) -> int:
        """Create or update relationships ``{"type", "start", "end", "properties"}``.

        There is at most one relationship of a type between two nodes.  Every row is checked
        first (type, ids, properties, both ends exist, the schema allows the type between their
        labels); if any row is bad nothing is written.  Rows are then written grouped by type
        and end labels, one transaction per ``batch_size`` rows.
        """
        prepared: list[tuple[str, str, str, dict]] = []
        good_ids: set[str] = set()
        known_types = self.schema.relationships
        for row in rows:
            if not isinstance(row, dict):
                raise InvalidRecord("a relationship record must be a mapping")
            rel_type = row.get("type")
            if not isinstance(rel_type, str) or rel_type not in known_types:
                self.schema.relationship(rel_type)  # raises SchemaError
            start, end = row.get("start"), row.get("end")
            if start not in good_ids:
                good_ids.add(check_id(start, f"{rel_type} start"))
            if end not in good_ids:
                good_ids.add(check_id(end, f"{rel_type} end"))
            try:
                props = clean_properties(row.get("properties"), what="")
            except InvalidRecord as exc:
                raise InvalidRecord(f"{rel_type} {start}->{end}: {str(exc).lstrip(': ')}") from None
            # all three were checked above (an unknown type or a bad id raised)
            prepared.append((cast(str, rel_type), cast(str, start), cast(str, end), props))
        labels = self.labels_of(good_ids)
        groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        allowed: set[tuple[str, str, str]] = set()
        for rel_type, start, end, props in prepared:
            for node_id in (start, end):
                if node_id not in labels:
                    raise NotFound(f"{rel_type} {start} -> {end}: no node {node_id!r}")
            key = (rel_type, labels[start], labels[end])
            if key not in allowed:
                self.schema.check_relationship(*key)
                allowed.add(key)
            groups[key].append({"start": start, "end": end, "properties": props})
        written = 0
        name = "replace_relationships" if replace else "upsert_relationships"
        for (rel_type, a, b), items in groups.items():
            query = self._template(name, type=rel_type, start=a, end=b)
            for first in range(0, len(items), self.batch_size):
                result = self._write([(query, {"rows": items[first:first + self.batch_size]})])[0]
                written += result[0]["written"] if result else 0
        return written

    def delete_relationship(self, rel_type: str, start: str, end: str) -> bool:
        self.schema.relationship(rel_type)
        rows = self._write([(self._template("delete_relationship", type=rel_type), {"start": start, "end": end})])[0]
        return bool(rows and rows[0]["deleted"])

    def neighbours(self, node_id: str, *, depth: int = 1, rel_types: Iterable[str] | None = None,
                   labels: Iterable[str] | None = None, limit: int = 200,
                   timeout: float | None = None) -> list[dict]:
        """Nodes within ``depth`` hops (1..3), each with its distance and the path to it (a
        ``QueryTimeout`` after ``timeout`` seconds when given)."""
        if not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
            raise InvalidRecord(f"depth must be 1 to {MAX_DEPTH}")
        types = [self.schema.relationship(t).name for t in rel_types] if rel_types else None
        wanted = [self.schema.label(name).name for name in labels] if labels else None
        if depth <= 2:
            return self._near(node_id, depth, types, wanted, int(limit), timeout)
        query = self._template("neighbours", depth=str(depth))
        rows = self._read(query, {"id": node_id, "types": types, "labels": wanted, "limit": int(limit)},
                          timeout=timeout)
        out, seen = [], set()
        for row in rows:
            if row["id"] in seen:
                continue
            seen.add(row["id"])
            node = self._node(row)
            node["distance"] = row["distance"]
            node["path"] = [{"type": r["type"], "start": r["start"], "end": r["end"],
                             "properties": self._props(r["properties"])} for r in row["path"]]
            out.append(node)
        return out

    def _near(self, node_id: str, depth: int, types: list[str] | None, wanted: list[str] | None, limit: int,
              timeout: float | None) -> list[dict]:
        """``neighbours`` for one or two hops, from the node's links and those of its first hop
        (two short queries instead of a path expansion): each node once, at its shortest
        distance, through the first path in (id, type) order."""
        def rel(link: dict) -> dict:
            return {"type": link["type"], "start": link["start"], "end": link["end"], "properties": link["rel"]}

        def order(link: dict) -> tuple:
            return (link["node"]["id"], link["type"], link["start"], link["end"])

        found: dict[str, tuple[int, list[dict], str | None]] = {}
        for link in sorted(self.links(node_id, timeout=timeout), key=order):
            other = link["node"]["id"]
            if other != node_id and other not in found and (types is None or link["type"] in types):
                found[other] = (1, [rel(link)], link["node"]["label"])
        if depth == 2 and found:
            first = list(found)
            for link in sorted(self.links_of(first, node_id, timeout=timeout), key=order):
                other = link["node"]["id"]
                if other not in found and (types is None or link["type"] in types):
                    found[other] = (2, found[link["via"]][1] + [rel(link)], link["node"]["label"])
        chosen = sorted(((d, i) for i, (d, _p, label) in found.items() if wanted is None or label in wanted))[:limit]
        nodes = self.get_nodes([i for _d, i in chosen])
        out = []
        for distance, other in chosen:
            node = nodes.get(other)
            if node is None:
                continue
            out.append(dict(node, distance=distance, path=found[other][1]))
        return out

    def _brief_node(self, row: dict, first_label: dict[tuple, str | None]) -> dict:
        """The node at a link's other end in brief (``first_label`` memoises label lists)."""
        key = tuple(row["labels"])
        label = first_label.get(key, "")
        if label == "":
            labels = self._labels(row["labels"])
            label = first_label[key] = labels[0] if labels else None
        return {"id": row["id"], "label": label,
                "properties": {k: v for k in ("name", "name_en", "community") if (v := row.get(k)) is not None}}

    def _link_rows(self, rows: list[dict]) -> list[dict]:
        out = []
        first_label: dict[tuple, str | None] = {}
        for row in rows:
            rel = row.get("rel")
            link = {"type": row["type"], "start": row["start"], "end": row["end"],
                    "rel": self._props(rel) if rel else {}, "node": self._brief_node(row, first_label)}
            if "via" in row:
                link["via"] = row["via"]
            out.append(link)
        return out

    def links(self, node_id: str, timeout: float | None = None) -> list[dict]:
        """Every relationship of a node, with the node at its other end in brief: ``{"type",
        "start", "end", "rel": properties, "node": {"id", "label", "properties": name, name_en,
        community}}`` (what a page or a graph view shows, and what the access policy needs)."""
        return self._link_rows(self._read(query_text(self.backend, "view_links"), {"id": node_id}, timeout=timeout))

    def links_of(self, ids: Iterable[str], root: str, timeout: float | None = None) -> list[dict]:
        """The relationships of several nodes as ``links`` gives them, each with ``via`` (which
        of ``ids`` it belongs to), leaving out those that end at ``root``."""
        ids = list(dict.fromkeys(ids))
        out: list[dict] = []
        for start in range(0, len(ids), self.batch_size):
            out += self._link_rows(self._read(query_text(self.backend, "view_links_of"),
                                              {"ids": ids[start:start + self.batch_size], "root": root},
                                              timeout=timeout))
        return out

    def edges_of(self, ids: Iterable[str], root: str, timeout: float | None = None) -> list[dict]:
        """``links_of`` without the relationships' properties, for views that draw type and ends
        only: ``{"type", "start", "end", "via", "node"}``, one ``node`` dict per other node
        (shared by its edges), leaving out those that end at ``root``."""
        return self._edges("view_edges_of", ids, {"root": root}, timeout)

    def edges_among(self, ids: Iterable[str], keep: Iterable[str], timeout: float | None = None) -> list[dict]:
        """The relationships between ``ids`` and the nodes of ``keep``, as ``edges_of`` gives
        them (``node``: the ``keep`` end): the edges of the nodes a view has chosen to draw."""
        return self._edges("view_edges_among", ids, {"keep": sorted(set(keep))}, timeout)

    def _edges(self, query: str, ids: Iterable[str], params: dict, timeout: float | None) -> list[dict]:
        ids = list(dict.fromkeys(ids))
        out: list[dict] = []
        nodes: dict[str, dict] = {}
        first_label: dict[tuple, str | None] = {}
        for start in range(0, len(ids), self.batch_size):
            rows = self._read(query_text(self.backend, query),
                              dict(params, ids=ids[start:start + self.batch_size]), timeout=timeout)
            for row in rows:
                node = nodes.get(row["id"])
                if node is None:
                    node = nodes[row["id"]] = self._brief_node(row, first_label)
                out.append({"type": row["type"], "start": row["start"], "end": row["end"], "via": row["via"],
                            "node": node})
        return out

    def second_hop(self, ids: Iterable[str], root: str, timeout: float | None = None) -> list[dict]:
        """The nodes next to any of ``ids``, other than ``root``, each once, in brief for the
        access policy: ``{"id", "label", "properties": {"community"}}`` — no names: a view reads
        those, with ``edges_among``, only for the nodes it draws."""
        ids = list(dict.fromkeys(ids))
        out: dict[str, dict] = {}
        first_label: dict[tuple, str | None] = {}
        for start in range(0, len(ids), self.batch_size):
            for row in self._read(query_text(self.backend, "view_second_hop"),
                                  {"ids": ids[start:start + self.batch_size], "root": root}, timeout=timeout):
                if row["id"] not in out:
                    out[row["id"]] = self._brief_node(row, first_label)
        return list(out.values())

    # --- search support (used by kg.search; each backend implements these) ----------------
    # A searchable node carries `search_text` (its text, per the schema's `text` lists),
    # `search_hash` (hash of that text and the model id) and `search_model`, plus a vector
    # (Neo4j: the `embedding` property in the vector index `cem_embedding`; embedded: kglite's
    # embedding store for (label, "search_text")).  Scores are cosine similarities (-1..1) for
    # vectors and BM25 for keywords; results are ``{"id", "label", "score"}``, best first.
    @abstractmethod
    def search_documents(self, label: str, ids: list[str] | None = None) -> list[dict]:
        """Every node of ``label`` (or those of ``ids``): ``{"id", "properties", "text",
        "terms", "hash", "model", "has_vector"}`` (``text``/``terms``: what the index holds)."""

    @abstractmethod
    def search_neighbour_names(self, label: str) -> list[dict]:
        """``{"id", "names"}``: each node's hazard, facility and organization neighbours."""

    @abstractmethod
    def write_search_documents(self, label: str, rows: list[dict]) -> int:
        """Store ``{"id", "text", "terms", "hash", "model", "vector"}`` rows (one transaction
        per call for the properties; the vectors follow).  A row whose ``vector`` is None
        writes only ``text`` and ``terms`` (the keyword stage; the vector is left alone)."""

    @abstractmethod
    def finish_search_index(self, labels: list[str], dimension: int | None) -> None:
        """Bring keyword and vector indexes up to date after writes (and persist them)."""

    @abstractmethod
    def vector_search(self, vector: list[float], *, labels: list[str], k: int,
                      ids: list[str] | None = None) -> list[dict]:
        """The ``k`` nodes of ``labels`` (and, if given, ``ids``) nearest to ``vector``, best
        first: ``{"id", "label", "name", "score"}`` (``name`` for the fusion's name match)."""

    @abstractmethod
    def keyword_search(self, text: str, terms: str, *, labels: list[str], k: int,
                       ids: list[str] | None = None) -> list[dict]:
        """The ``k`` best BM25 matches; ``text`` is the query as typed, ``terms`` its
        whitespace-separated terms (single CJK characters, CJK bigrams and words).  Rows as
        ``vector_search`` gives them."""

    @abstractmethod
    def node_vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of these nodes (those that have one)."""

    # --- whole-graph operations ----------------------------------------------------------
    def counts(self) -> dict:
        labels: dict[str, int] = defaultdict(int)
        for row in self._read(query_text(self.backend, "count_labels"), {}):
            for label in self._labels(row["labels"])[:1]:
                labels[label] += row["count"]
        rels = {row["type"]: row["count"] for row in self._read(query_text(self.backend, "count_relationships"), {})}
        return {"labels": {k: v for k, v in sorted(labels.items()) if v},
                "relationships": {k: v for k, v in sorted(rels.items()) if v}}

    def export_records(self) -> Iterator[dict]:
        """Every node, then every relationship, in a stable order (see ``kg.exchange``)."""
        nodes = []
        for row in self._read(query_text(self.backend, "export_nodes"), {}):
            node = self._node(row)
            nodes.append({"kind": "node", "labels": [node["label"]], "id": node["id"],
                          "properties": node["properties"]})
        nodes.sort(key=lambda r: (r["labels"][0], r["id"]))
        yield from nodes
        rels = [{"kind": "relationship", "type": row["type"], "start": row["start"], "end": row["end"],
                 "properties": self._props(row["properties"])}
                for row in self._read(query_text(self.backend, "export_relationships"), {})]
        rels.sort(key=lambda r: (r["type"], r["start"], r["end"]))
        yield from rels

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def dumps_record(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


__all__ = [
    "ConstraintViolation",
    "GraphStore",
    "Health",
    "InvalidRecord",
    "NotFound",
    "QueryTimeout",
    "SchemaError",
    "StoreError",
    "StoreUnavailable",
    "dumps_record",
    "query_text",
]
