"""Backups: ``cem backup DIR`` and ``cem restore BACKUP``.

A backup is a folder ``DIR/cem-backup-<UTC time>/`` holding

* ``graph.jsonl`` — the whole graph in the exchange format (``kg.exchange``), read consistently:
  on Neo4j through **one read transaction** (Neo4j Community has no online backup tool); on the
  embedded store from one snapshot of the graph (the file's last checkpoint when a server holds
  the store — ``cem serve`` writes one within seconds of every change — or, with no server, the
  store opened with its log replayed);
* ``graph.kgl`` (embedded store only) — kglite's own consistent single-file backup of that same
  snapshot, search index included;
* ``uploads/`` — the evidence files the snapshot's ``Evidence`` nodes name (so files and nodes
  agree), checked by size and SHA-256;
* ``secret_key`` — the key from ``CEM_DATA_DIR/secret_key`` (0600), unless ``CEM_SECRET_KEY``
  is set (then it is yours to keep);
* ``embedding-cache.sqlite`` — the vector cache (``cem index`` rebuilds the search index from it
  without running the model);
* ``manifest.json`` — what was taken, when, from where, with a SHA-256 of every file.

It is written under a temporary name and renamed when complete, so an interrupted backup never
looks like one.  ``--keep N`` removes the oldest complete backups beyond N.

``restore`` refuses a store that holds anything.  Into an embedded store whose file does not exist
yet it copies ``graph.kgl`` (exactly the snapshot, search index included); otherwise (Neo4j, or
moving between store kinds) it imports ``graph.jsonl`` and asks for ``cem index``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kg import __version__
from kg.store import GraphStore, StoreError
from kg.store.base import dumps_record, query_text

PREFIX = "cem-backup-"
FORMAT = 1


class BackupError(StoreError):
    """A backup cannot be taken or restored; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _records(store: GraphStore, node_rows: list[dict], rel_rows: list[dict]):
    """Export records from raw rows, exactly as ``GraphStore.export_records`` makes them."""
    nodes = []
    for row in node_rows:
        node = store._node(row)
        nodes.append({"kind": "node", "labels": [node["label"]], "id": node["id"], "properties": node["properties"]})
    nodes.sort(key=lambda r: (r["labels"][0], r["id"]))
    rels = [{"kind": "relationship", "type": row["type"], "start": row["start"], "end": row["end"],
             "properties": store._props(row["properties"])} for row in rel_rows]
    rels.sort(key=lambda r: (r["type"], r["start"], r["end"]))
    return nodes + rels


def consistent_records(store: GraphStore) -> list[dict]:
    """Every record of the graph as one consistent snapshot."""
    nodes_q, rels_q = query_text(store.backend, "export_nodes"), query_text(store.backend, "export_relationships")
    if store.kind == "neo4j":
        from kg.store.neo4j_store import _plain

        def work(tx):
            n = [{k: _plain(v) for k, v in r.items()} for r in tx.run(nodes_q)]
            r = [{k: _plain(v) for k, v in rec.items()} for rec in tx.run(rels_q)]
            return n, r

        try:
            with store._session() as session:  # type: ignore[attr-defined]
                node_rows, rel_rows = session.execute_read(work)
        except Exception as exc:
            raise store._translate(exc) from exc  # type: ignore[attr-defined]
        return _records(store, node_rows, rel_rows)
    with store._lock:  # type: ignore[attr-defined]  # the embedded store: no write can come in between
        return _records(store, store._read(nodes_q, {}), store._read(rels_q, {}))


@dataclass
class BackupResult:
    path: Path
    records: int
    files: int
    seconds: float
    removed: list[Path]
    missing_files: list[str]


def _copy_private(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def backups_in(folder: Path) -> list[Path]:
    """Complete backups in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_dir() and p.name.startswith(PREFIX) and (p / "manifest.json").is_file())


def take_backup(store: GraphStore, settings, folder: Path, *, keep: int | None = None,
                now: datetime | None = None) -> BackupResult:
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = PREFIX + now.strftime("%Y%m%dT%H%M%S.%fZ")
    final = folder / name
    work = folder / f".{name}.partial"
    if final.exists() or work.exists():
        raise BackupError(f"{final} already exists")
    work.mkdir(mode=0o700)
    try:
        records = consistent_records(store)
        with (work / "graph.jsonl").open("w", encoding="utf-8", newline="\n") as out:
            for record in records:
                out.write(dumps_record(record) + "\n")
        snapshot_of = None
        if store.kind == "embedded":
            with store._lock:  # type: ignore[attr-defined]
                store.graph.backup(str(work / "graph.kgl"))  # type: ignore[attr-defined]
            os.chmod(work / "graph.kgl", 0o600)
            checkpoint = getattr(store, "checkpoint_time", None)
            snapshot_of = checkpoint.isoformat() if checkpoint else "the store with its log replayed (no server)"
        uploads = Path(settings.data_dir) / "uploads"
        copied, missing = 0, []
        for record in records:
            p = record["properties"]
            if record["kind"] != "node" or record["labels"] != ["Evidence"] or not p.get("stored"):
                continue
            relative = Path("assessments") / str(p.get("assessment")) / str(p["stored"])
            source = uploads / relative
            if not source.is_file():
                missing.append(str(relative))
                continue
            _copy_private(source, work / "uploads" / relative)
            copied += 1
        secret_note = "CEM_SECRET_KEY is set: keep it with this backup yourself"
        if settings.secret_key is None:
            key = Path(settings.data_dir) / "secret_key"
            if key.is_file():
                _copy_private(key, work / "secret_key")
                secret_note = "secret_key"
            else:
                secret_note = "no secret key yet"
        cache = settings.embedding_cache_path
        if cache is not None and Path(cache).is_file():
            with sqlite3.connect(str(cache)) as source_db, sqlite3.connect(str(work / "embedding-cache.sqlite")) as db:
                source_db.backup(db)  # consistent even while a server writes to it
            os.chmod(work / "embedding-cache.sqlite", 0o600)
        files = {str(p.relative_to(work)): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
                 for p in sorted(work.rglob("*")) if p.is_file()}
        manifest = {"format": FORMAT, "cem": __version__, "taken_at": now.isoformat(), "store": store.kind,
                    "location": store.location, "records": len(records),
                    "nodes": sum(1 for r in records if r["kind"] == "node"),
                    "evidence_files": copied, "evidence_files_missing": missing, "snapshot_of": snapshot_of,
                    "secret_key": secret_note, "files": files}
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _fsync_tree(work)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    removed = []
    if keep is not None:
        complete = backups_in(folder)
        for old in complete[:max(0, len(complete) - keep)]:
            shutil.rmtree(old)
            removed.append(old)
    return BackupResult(final, len(records), copied, time.perf_counter() - started, removed, missing)


def read_manifest(backup: Path) -> dict:
    backup = Path(backup)
    try:
        manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{backup}: no manifest.json: not a cem backup (or an unfinished one)") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{backup}/manifest.json: unreadable: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{backup}: backup format {manifest.get('format')!r} is not {FORMAT}")
    for relative, meta in manifest.get("files", {}).items():
        path = backup / relative
        if not path.is_file() or path.stat().st_size != meta["bytes"] or _sha256(path) != meta["sha256"]:
            raise BackupError(f"{path}: missing or changed since the backup was taken (size/SHA-256 differ)")
    return manifest


@dataclass
class RestoreResult:
    method: str
    records: int
    files: int
    seconds: float
    notes: list[str]


def restore_files(backup: Path, settings, manifest: dict) -> tuple[int, list[str]]:
    """Evidence files, the secret key and the vector cache into ``CEM_DATA_DIR``."""
    notes: list[str] = []
    data = Path(settings.data_dir)
    copied = 0
    source_root = backup / "uploads"
    for source in sorted(p for p in source_root.rglob("*") if p.is_file()) if source_root.is_dir() else []:
        target = data / "uploads" / source.relative_to(source_root)
        if target.exists():
            if _sha256(target) != _sha256(source):
                raise BackupError(f"{target} exists with other content; restore into an empty data folder")
            continue
        _copy_private(source, target)
        copied += 1
    key = backup / "secret_key"
    if key.is_file():
        target = data / "secret_key"
        if not target.exists():
            _copy_private(key, target)
        elif target.read_bytes() != key.read_bytes():
            notes.append(f"{target} differs from the backup's key and was kept (sign-ins and forms signed with "
                         "the old key stop working; copy the backup's secret_key over it to keep them)")
    elif settings.secret_key is None:
        notes.append(f"the backup has no secret key ({manifest.get('secret_key')})")
    cache = backup / "embedding-cache.sqlite"
    target_cache = settings.embedding_cache_path
    if cache.is_file() and target_cache is not None and not Path(target_cache).exists():
        _copy_private(cache, Path(target_cache))
    return copied, notes


__all__ = [
    "PREFIX",
    "BackupError",
    "BackupResult",
    "RestoreResult",
    "backups_in",
    "consistent_records",
    "read_manifest",
    "restore_files",
    "take_backup",
]
