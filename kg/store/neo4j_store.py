"""The production store: a Neo4j server over Bolt with the official driver.

One driver per process; every read and write is a managed transaction (``execute_read`` /
``execute_write``) so the driver retries transient failures.  Every node carries, besides its
schema label, the base label ``Node`` with a unique ``id`` — ids are unique across labels and
looked up through one index.
"""

from __future__ import annotations

import math
import re
import threading

import cachetools
import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ConstraintError, DriverError, Neo4jError

from kg.schema import Schema
from kg.store.base import (
    ConstraintViolation,
    GraphStore,
    Health,
    QueryTimeout,
    StoreError,
    StoreUnavailable,
    query_text,
)

BASE_LABEL = "Node"
#: Vector and full-text indexes the search area fills (`embedding` on every searchable node; the
#: keyword terms `search_terms` in one full-text index per label with a `text` list, so that BM25
#: weighs terms within a label — as the embedded store's per-label indexes do).
VECTOR_INDEX = "cem_embedding"
FULLTEXT_PREFIX = "cem_terms_"
#: Full-text indexes of earlier versions, dropped by init.
OLD_FULLTEXT_INDEXES = ("cem_fulltext", "cem_terms")


def fulltext_index(label: str) -> str:
    return FULLTEXT_PREFIX + label.lower()


def _plain(value):
    """Driver values to plain Python data."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


class _Unlogged(list):
    """A list parameter with a short ``repr``.  The driver formats every RUN message for its debug
    log before the logger decides whether to write it (``" ".join(map(repr, fields))``): for a
    query vector that is 384 float reprs, about 0.4 ms of a 2.5 ms vector query; for a batch of
    vectors being written, seconds.  Packed for the wire as the list it is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<list of {len(self)}>"


class _UnloggedMap(dict):
    """A map parameter (a node's properties, a batch row) with a short ``repr``, as ``_Unlogged``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<map of {len(self)}>"


def _parameters(params: dict) -> dict:
    """Query parameters as sent: list and map values wrapped so the driver's debug formatting
    costs nothing (the values, their types and their order are unchanged)."""
    return {k: _Unlogged(v) if type(v) is list else _UnloggedMap(v) if type(v) is dict else v
            for k, v in params.items()}


def try_later(exc: BaseException) -> bool:
    """Whether a driver error means the request may succeed if tried again later."""
    if isinstance(exc, AuthError):
        return True  # the server refuses this app's credentials: nothing a user can fix
    if isinstance(exc, (DriverError, OSError)):
        return True  # ServiceUnavailable, SessionExpired, connection and pool errors, IncompleteCommit …
    retryable = getattr(exc, "is_retryable", None)
    if callable(retryable) and retryable():
        return True  # TransientError, NotALeader, ForbiddenOnReadOnlyDatabase …
    return isinstance(exc, Neo4jError) and (exc.code or "").startswith(("Neo.TransientError.",
                                                                         "Neo.ClientError.Cluster."))


class Neo4jStore(GraphStore):
    kind = "neo4j"
    backend = "neo4j"

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 schema: Schema | None = None, embedding_dimensions: int = 384):
        super().__init__(schema)
        self.uri = uri
        self.database = database
        self.embedding_dimensions = embedding_dimensions
        #: vectors written by this store object since its last vector-index rebuild, and rebuilds
        self.vectors_since_rebuild = 0
        self.vector_index_rebuilds = 0
        self._vector_counts: cachetools.TTLCache = cachetools.TTLCache(maxsize=1, ttl=self.VECTOR_COUNTS_SECONDS)
        self._vector_counts_lock = threading.Lock()
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password), max_connection_pool_size=32,
                                               connection_timeout=5, connection_acquisition_timeout=60,
                                               max_transaction_retry_time=5,  # a refused connection answers 503 within ~5 s
                                               notifications_min_severity="OFF")
        except (ValueError, Neo4jError) as exc:
            raise StoreUnavailable(f"cannot create a Neo4j driver for {uri}: {exc}") from exc

    @property
    def location(self) -> str:
        return f"{self.uri} ({self.database})"

    def _labels(self, labels: list[str]) -> list[str]:
        return [label for label in labels if label != BASE_LABEL and label in self.schema.labels]

    def _session(self):
        # One bookmark manager per driver: on a cluster a read after a write (in this process)
        # waits until the member that serves it has that write (causal consistency).
        return self.driver.session(database=self.database,
                                   bookmark_manager=self.driver.execute_query_bookmark_manager)

    @staticmethod
    def _translate(exc: Exception) -> StoreError:
        """Driver errors as store errors: everything that means "try again later" (the server
        is down or restarting, the session expired, a leader changed, a transient failure that
        outlasted the driver's retries, an unknown commit outcome) is ``StoreUnavailable``."""
        if isinstance(exc, ConstraintError):
            return ConstraintViolation(exc.message or str(exc))
        if try_later(exc):
            return StoreUnavailable(f"Neo4j: {getattr(exc, 'message', None) or exc}")
        return StoreError(f"Neo4j: {getattr(exc, 'message', None) or exc}")

    def _read(self, query: str, params: dict, timeout: float | None = None) -> list[dict]:
        sent = _parameters(params)

        def work(tx):
            return [{k: _plain(v) for k, v in record.items()} for record in tx.run(query, sent)]
        if timeout is not None:
            work = neo4j.unit_of_work(timeout=timeout)(work)
        try:
            with self._session() as session:
                return session.execute_read(work)
        except (Neo4jError, DriverError, OSError) as exc:
            if timeout is not None and "TransactionTimedOut" in (getattr(exc, "code", None) or ""):
                raise QueryTimeout(f"Neo4j: the query ran past {timeout} s") from exc
            raise self._translate(exc) from exc

    def _write(self, statements: list[tuple[str, dict]]) -> list[list[dict]]:
        sent = [(query, _parameters(params)) for query, params in statements]

        def work(tx):
            out = []
            for query, params in sent:
                out.append([{k: _plain(v) for k, v in record.items()} for record in tx.run(query, params)])
            return out
        try:
            with self._session() as session:
                return session.execute_write(work)
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._translate(exc) from exc

    def _schema_statements(self) -> list[tuple[str, str]]:
        stmts = [(f"constraint {BASE_LABEL}.id unique",
                  f"CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:{BASE_LABEL}) REQUIRE n.id IS UNIQUE")]
        for label, spec in self.schema.labels.items():
            stmts.append((f"constraint {label}.id unique",
                          f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"))
            for prop in spec.indexes:
                stmts.append((f"index {label}.{prop}",
                              f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"))
        for old in OLD_FULLTEXT_INDEXES:
            stmts.append((f"no full-text index {old}", f"DROP INDEX {old} IF EXISTS"))
        for label, spec in self.schema.labels.items():
            if spec.text:
                stmts.append((f"full-text index {fulltext_index(label)} (whitespace, over the search terms)",
                              f"CREATE FULLTEXT INDEX {fulltext_index(label)} IF NOT EXISTS FOR (n:{label}) "
                              "ON EACH [n.search_terms] OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}"))
        stmts.append((f"vector index {VECTOR_INDEX} ({self.embedding_dimensions} dims, cosine)",
                      self._vector_index_statement()))
        return stmts

    def _vector_index_statement(self) -> str:
        return (f"CREATE VECTOR INDEX {VECTOR_INDEX} IF NOT EXISTS FOR (n:{BASE_LABEL}) ON n.embedding "
                "OPTIONS {indexConfig: {`vector.dimensions`: " + str(int(self.embedding_dimensions)) +
                ", `vector.similarity_function`: 'cosine'}}")

    def init_schema(self) -> list[str]:
        ensured = []
        try:
            with self._session() as session:
                for what, statement in self._schema_statements():
                    session.run(statement).consume()  # schema commands run in auto-commit transactions
                    ensured.append(what)
                session.run("CALL db.awaitIndexes(300)").consume()
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._translate(exc) from exc
        return ensured

    # --- search support ---------------------------------------------------------------
    # Vectors: property `embedding` (float32, written with db.create.setNodeVectorProperty) in
    # the vector index `cem_embedding`; keywords: `search_terms` (made by kg.search.text, the
    # same terms the embedded store ranks) in the full-text index `cem_terms` (whitespace
    # analyzer).  Neo4j reports cosine scores as (1 + cosine) / 2; they are turned back into
    # cosines here so both stores agree.
    LUCENE_SPECIAL = re.compile(r'[+\-&|!(){}\[\]^"~*?:\\/]')
    #: vectors written (by one store object) after which finish_search_index rebuilds the vector
    #: index in one go: a build of the bundled content (about 570) does not; 10,000 lessons do
    REBUILD_VECTOR_INDEX_AFTER = 1000
    #: seconds the count of vectors per label (which sizes a label-filtered index query) is kept
    VECTOR_COUNTS_SECONDS = 60.0

    @staticmethod
    def _cosine(score) -> float:
        return 2.0 * float(score) - 1.0

    def search_documents(self, label: str, ids: list[str] | None = None) -> list[dict]:
        self.schema.label(label)
        rows = self._read(self._template("search_documents", label=label),
                          {"ids": list(ids) if ids is not None else None})
        return [{"id": r["id"], "properties": self._node({"id": r["id"], "labels": [label],
                                                          "properties": r["properties"]})["properties"],
                 "text": r["properties"].get("search_text"), "terms": r["properties"].get("search_terms"),
                 "hash": r["properties"].get("search_hash"), "model": r["properties"].get("search_model"),
                 "has_vector": bool(r["has_vector"])} for r in rows]

    def search_neighbour_names(self, label: str) -> list[dict]:
        self.schema.label(label)
        return self._read(self._template("search_neighbour_names", label=label), {})

    def _vector_index_dimensions(self) -> int | None:
        rows = self._read(query_text(self.backend, "vector_index_dimensions"), {"name": VECTOR_INDEX})
        return int(rows[0]["dimensions"]) if rows and rows[0]["dimensions"] is not None else None

    def write_search_documents(self, label: str, rows: list[dict]) -> int:
        self.schema.label(label)
        if not rows:
            return 0
        terms_only = [{"id": r["id"], "text": r["text"], "terms": r["terms"]} for r in rows if r.get("vector") is None]
        rows = [r for r in rows if r.get("vector") is not None]
        written = 0
        if terms_only:
            result = self._write([(query_text(self.backend, "search_write_terms"), {"rows": terms_only})])[0]
            written += result[0]["written"] if result else 0
        if not rows:
            return written
        dimension = len(rows[0]["vector"])
        indexed = self._vector_index_dimensions()
        if indexed is None:
            raise StoreError(f"Neo4j: the vector index {VECTOR_INDEX} does not exist; run `cem init`")
        if indexed != dimension:
            raise StoreError(
                f"Neo4j: the vector index {VECTOR_INDEX} holds {indexed}-dimensional vectors but the "
                f"embedding model gives {dimension}; drop the index, set CEM_EMBEDDING_DIM={dimension} and run `cem init`")
        batch = [{"id": r["id"], "text": r["text"], "terms": r["terms"], "hash": r["hash"], "model": r["model"],
                  "vector": [float(x) for x in r["vector"]]} for r in rows]
        result = self._write([(query_text(self.backend, "search_write"), {"rows": batch})])[0]
        self.vectors_since_rebuild += len(batch)
        with self._vector_counts_lock:
            self._vector_counts.clear()  # this process's next label-filtered query counts again
        return written + (result[0]["written"] if result else 0)

    def finish_search_index(self, labels: list[str], dimension: int | None) -> None:
        """Wait for the indexes; after many vector writes, rebuild the vector index.

        Vectors written a chunk at a time leave the index in many small pieces (Lucene segments,
        each with its own HNSW graph, searched one after the other): after 10,566 vectors
        written in chunks a top-10 query took 6.4 ms p50 (29 ms unquantised), and 2.0 ms once
        the index was built again over the same vectors in one go (3.8 s; nothing re-embedded).
        Queries during the rebuild wait for it or, in the instant the index is swapped, rank
        exactly."""
        try:
            with self._session() as session:
                if self.vectors_since_rebuild >= self.REBUILD_VECTOR_INDEX_AFTER:
                    session.execute_write(self._rebuild_vector_index)
                    self.vectors_since_rebuild = 0
                    self.vector_index_rebuilds += 1
                session.run("CALL db.awaitIndexes(300)").consume()
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._translate(exc) from exc

    def _rebuild_vector_index(self, tx) -> None:
        tx.run(f"DROP INDEX {VECTOR_INDEX} IF EXISTS").consume()  # schema commands: names, no parameters
        tx.run(self._vector_index_statement()).consume()

    def _read_auto(self, query: str, params: dict) -> list[dict]:
        """One read in an auto-commit transaction: a single round trip (RUN and PULL pipelined),
        for the search queries that run on every request (vector and keyword ranking)."""
        try:
            with self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session:
                return [{k: _plain(v) for k, v in record.items()} for record in session.run(query, _parameters(params))]
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._translate(exc) from exc

    def _hits(self, rows, k: int) -> list[dict]:
        out = [{"id": r["id"], "label": next(iter(self._labels(r["labels"])), None), "name": r["name"], "score": self._cosine(r["score"])}
               for r in rows]
        out.sort(key=lambda r: (-r["score"], r["id"]))
        return out[:k]

    def vector_search(self, vector, *, labels, k, ids=None) -> list[dict]:
        labels = [self.schema.label(name).name for name in labels]
        vector = [float(x) for x in vector]
        if not labels or k <= 0:
            return []
        if ids is not None:
            rows = self._read_auto(query_text(self.backend, "search_vector_in"),
                                   {"ids": list(ids), "labels": labels, "vector": vector, "k": int(k)})
            return self._hits(rows, k)
        # One index query (the index holds every searchable label; the wanted ones are kept
        # here), asking for as many nodes as should hold k of the wanted labels given their share
        # of the index.  Only when they are rarer than that among the nearest nodes is the index
        # asked again for more, and then those labels are ranked exactly.
        wanted = set(labels)
        ask = self._vector_ask(wanted, int(k))
        for size in (ask, 8 * ask) if ask else ():
            try:
                rows = self._read_auto(query_text(self.backend, "search_vector"), {"vector": vector, "k": size})
            except StoreUnavailable:
                raise
            except StoreError:  # the index is being swapped (finish_search_index): rank exactly
                break
            hits = [r for r in rows if wanted & set(r["labels"])]
            if len(hits) >= k or len(rows) < size:
                return self._hits(hits, k)
        rows = []
        for label in labels:
            rows.extend(self._read_auto(self._template("search_vector_exact", label=label),
                                        {"vector": vector, "k": int(k)}))
        return self._hits(rows, k)

    def _vectors_per_label(self) -> dict[str, int]:
        """Vectors in the index per label, counted at most every VECTOR_COUNTS_SECONDS (a scan of
        the labels with text only, not of every node: accounts, attempts and answers have none)."""
        with self._vector_counts_lock:
            counts = self._vector_counts.get("counts")
        if counts is None:
            searchable = sorted(label for label, spec in self.schema.labels.items() if spec.text)
            query = "\nUNION ALL\n".join(self._template("search_vector_counts", label=label) for label in searchable)
            rows = self._read_auto(query, {})
            counts = {r["label"]: int(r["vectors"]) for r in rows if r["vectors"]}
            with self._vector_counts_lock:
                self._vector_counts["counts"] = counts
        return counts

    def _vector_ask(self, wanted: set[str], k: int) -> int:
        """How many nearest nodes to ask the index for so that k of them have a wanted label.

        Every searchable label wanted: k.  Otherwise k over the wanted labels' share p of the
        index, plus three standard deviations of the count of wanted nodes among them (as if
        drawn at random), capped at the index's size: 14 for k = 10 when lessons are 96 % of
        the index (a fixed 2k + 10 asked for 30; bench/search.py at 10,566 vectors: 2.6 against
        3.9 ms p50).  0 when the counts hold none of them (ranked exactly)."""
        counts = self._vectors_per_label()
        total = sum(counts.values())
        have = sum(counts.get(label, 0) for label in wanted)
        if have >= total:
            return k
        if have == 0:
            return 0
        p = have / total
        return min(total, math.ceil((k + 3 * math.sqrt(k * (1 - p))) / p) + 1)

    def keyword_search(self, text, terms, *, labels, k, ids=None) -> list[dict]:
        labels = [self.schema.label(name).name for name in labels]
        query = " ".join(self.LUCENE_SPECIAL.sub(" ", terms or "").split())
        if not query or not labels or k <= 0:
            return []
        limit = 5000 if ids is not None else max(4 * k, 100)
        rows = self._read_auto(query_text(self.backend, "search_keyword"),
                               {"query": query, "indexes": [fulltext_index(label) for label in labels],
                                "ids": list(ids) if ids is not None else None, "limit": limit, "k": int(k)})
        out = [{"id": r["id"], "label": next(iter(self._labels(r["labels"])), None), "name": r["name"], "score": float(r["score"])}
               for r in rows]
        out.sort(key=lambda r: (-r["score"], r["id"]))
        return out[:k]

    def node_vectors(self, ids: list[str]) -> dict[str, list[float]]:
        rows = self._read(query_text(self.backend, "search_node_vectors"), {"ids": list(ids)})
        return {r["id"]: [float(x) for x in r["vector"]] for r in rows}

    def health(self) -> Health:
        try:
            self.driver.verify_connectivity()
            self._read("RETURN 1 AS ok", {})
            return Health(self.kind, self.location, True)
        except (StoreError, Neo4jError, DriverError, OSError) as exc:
            return Health(self.kind, self.location, False, str(exc))

    def close(self) -> None:
        self.driver.close()
