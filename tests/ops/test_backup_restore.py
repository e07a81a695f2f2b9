"""``cem backup`` / ``cem restore`` on both stores: a restore gives a byte-identical ``cem export``
and the same evidence files; a non-empty store is refused; retention keeps N; a changed backup
is refused."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kg import accounts
from kg.settings import Settings, secret_key
from kg.store import open_store
from tests.ops.server import cem, cem_env
from tests.web.platform_fixtures import PASSWORD, seed_graph

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300


def _populate(store, data_dir: Path) -> list[str]:
    """Knowledge, accounts, a community's assessment with answers and two uploaded files."""
    from assessments import workflow as wf
    from assessments.checklist import DEFAULT_STANDARD, load_checklist
    from assessments.evidence import Upload, add_evidence
    from tests.assessment.helpers import load_checklists

    seed_graph(store)
    load_checklists(store)
    accounts.create_user(store, "boss", PASSWORD, roles=("admin",))
    accounts.create_user(store, "comm", PASSWORD, roles=("community",), community="community.a")
    actor = wf.Actor.of(accounts.get_user(store, "comm"))
    record = wf.open_assessment(store, actor, "community.a", DEFAULT_STANDARD)
    first, second = [c.id for c in load_checklist(store, DEFAULT_STANDARD).scored[:2]]
    wf.save_answers(store, actor, record.id, {first: {"answer": "met", "note": "演练记录齐全", "last_done": ""}},
                    expected_version=record.version)
    stored = []
    for criterion, upload in ((first, Upload("演练照片.png", PNG)), (second, Upload("预案.pdf", PDF))):
        evidence = add_evidence(store, actor, record.id, criterion, kind="file", upload=upload, data_dir=data_dir)
        stored.append(f"assessments/{record.id}/{evidence['stored']}")
    return stored


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def populated(store_kind, store_env, tmp_path):
    env = cem_env(dict(store_env, CEM_EMBEDDING_CACHE="off"))
    settings = Settings.of(store=env["CEM_STORE"], data_dir=env["CEM_DATA_DIR"],
                           neo4j_password=env.get("NEO4J_PASSWORD") or None)
    secret_key(settings)  # the key the web app generates on its first start
    store = open_store(settings)
    try:
        store.init_schema()
        stored = _populate(store, Path(env["CEM_DATA_DIR"]))
    finally:
        store.close()
    return env, stored


def _empty_target(store_kind: str, env: dict, tmp_path: Path) -> dict:
    """An empty store and data folder to restore into."""
    if store_kind == "embedded":
        return dict(env, CEM_STORE=str(tmp_path / "restored" / "graph.kgl"), CEM_DATA_DIR=str(tmp_path / "restored"))
    from tests.conftest import _neo4j_store

    _neo4j_store()  # the test database, emptied
    return dict(env, CEM_DATA_DIR=str(tmp_path / "restored"))


def test_a_restore_gives_a_byte_identical_export_and_the_same_files(populated, store_kind, tmp_path):
    env, stored = populated
    before = tmp_path / "before.jsonl"
    assert cem(env, "export", str(before)).returncode == 0
    taken = cem(env, "backup", str(tmp_path / "backups"))
    assert taken.returncode == 0, taken.stderr
    backup = next((tmp_path / "backups").iterdir())
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["store"] == store_kind and manifest["evidence_files"] == 2
    assert (backup / "secret_key").stat().st_mode & 0o077 == 0
    target = _empty_target(store_kind, env, tmp_path)
    restored = cem(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "restored" in restored.stdout and "2 evidence files" in restored.stdout
    if store_kind == "embedded":
        assert "snapshot" in restored.stdout
    after = tmp_path / "after.jsonl"
    assert cem(target, "export", str(after)).returncode == 0
    assert after.read_bytes() == before.read_bytes()
    source_uploads, target_uploads = Path(env["CEM_DATA_DIR"]) / "uploads", Path(target["CEM_DATA_DIR"]) / "uploads"
    assert sorted(_files(target_uploads)) == sorted(stored)
    assert _files(target_uploads) == _files(source_uploads)
    key = "secret_key"
    assert (Path(target["CEM_DATA_DIR"]) / key).read_bytes() == (Path(env["CEM_DATA_DIR"]) / key).read_bytes()
    assert cem(target, "check-data").returncode == 0


def test_the_import_route_gives_the_same_export(populated, store_kind, tmp_path):
    """Restoring into an existing empty store (or moving store kinds) goes through the exchange file."""
    env, _ = populated
    before = tmp_path / "before.jsonl"
    assert cem(env, "export", str(before)).returncode == 0
    assert cem(env, "backup", str(tmp_path / "b")).returncode == 0
    backup = next((tmp_path / "b").iterdir())
    target = dict(env, CEM_STORE=str(tmp_path / "other" / "graph.kgl"), CEM_DATA_DIR=str(tmp_path / "other"))
    assert cem(target, "init").returncode == 0  # the file exists (empty): the snapshot is not copied over it
    restored = cem(target, "restore", str(backup))
    assert restored.returncode == 0 and "exchange file" in restored.stdout, restored.stderr
    after = tmp_path / "after.jsonl"
    assert cem(target, "export", str(after)).returncode == 0
    assert after.read_bytes() == before.read_bytes()


def test_a_store_that_holds_anything_is_refused(populated, tmp_path):
    env, _ = populated
    assert cem(env, "backup", str(tmp_path / "b")).returncode == 0
    backup = next((tmp_path / "b").iterdir())
    before = tmp_path / "before.jsonl"
    cem(env, "export", str(before))
    refused = cem(env, "restore", str(backup))
    assert refused.returncode == 1
    assert "restore only into an empty store" in refused.stderr and "nothing was changed" in refused.stderr
    after = tmp_path / "after.jsonl"
    cem(env, "export", str(after))
    assert after.read_bytes() == before.read_bytes()


def test_retention_keeps_the_newest_n_and_a_changed_backup_is_refused(populated, tmp_path):
    env, _ = populated
    folder = tmp_path / "kept"
    for _ in range(4):
        assert cem(env, "backup", str(folder), "--keep", "2").returncode == 0
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 2 and all(name.startswith("cem-backup-") for name in kept)
    newest = folder / kept[-1]
    copy = tmp_path / "tampered"
    shutil.copytree(newest, copy)
    with (copy / "graph.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    target = dict(env, CEM_STORE=str(tmp_path / "t" / "graph.kgl"), CEM_DATA_DIR=str(tmp_path / "t"))
    refused = cem(target, "restore", str(copy))
    assert refused.returncode == 1 and "changed since the backup was taken" in refused.stderr
    assert not (tmp_path / "t" / "graph.kgl").exists()


def test_moving_from_the_embedded_store_to_neo4j(neo4j_store, tmp_path):
    """The Deploying section's move: `cem export` on the embedded store, `cem import` into an empty
    Neo4j (and the same through a backup), then `cem export` there is byte-identical."""
    from tests.conftest import _neo4j_store, neo4j_env

    embedded = cem_env({"CEM_STORE": str(tmp_path / "small" / "graph.kgl"), "CEM_DATA_DIR": str(tmp_path / "small"),
                        "CEM_EMBEDDING_CACHE": "off"})
    settings = Settings.of(store=embedded["CEM_STORE"], data_dir=embedded["CEM_DATA_DIR"])
    store = open_store(settings)
    try:
        store.init_schema()
        _populate(store, tmp_path / "small")
    finally:
        store.close()
    exported = tmp_path / "embedded.jsonl"
    assert cem(embedded, "export", str(exported)).returncode == 0
    neo4j = cem_env(dict(neo4j_env(), CEM_DATA_DIR=str(tmp_path / "neo"), CEM_EMBEDDING_CACHE="off"))
    imported = cem(neo4j, "import", str(exported))
    assert imported.returncode == 0, imported.stderr
    again = tmp_path / "neo4j.jsonl"
    assert cem(neo4j, "export", str(again)).returncode == 0
    assert again.read_bytes() == exported.read_bytes()
    _neo4j_store()  # empty again: now through a backup, files included
    assert cem(embedded, "backup", str(tmp_path / "b")).returncode == 0
    restored = cem(neo4j, "restore", str(next((tmp_path / "b").iterdir())))
    assert restored.returncode == 0 and "2 evidence files" in restored.stdout, restored.stderr
    assert cem(neo4j, "export", str(again)).returncode == 0
    assert again.read_bytes() == exported.read_bytes()
