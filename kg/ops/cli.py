"""Operations commands: ``cem backup``, ``cem restore``, ``cem check-data``."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import click

from kg.cli import fail, opened_store, settings_for, store_option


@click.command("backup")
@store_option
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--keep", type=click.IntRange(1, 10_000), default=None,
              help="Keep only the newest N backups in FOLDER (older ones are removed after this one is complete).")
def backup_command(location: str | None, folder: str, keep: int | None) -> None:
    """Take a consistent backup into FOLDER/cem-backup-<time>/ (the graph, evidence files, the secret
    key, the vector cache); works while the server runs."""
    from kg.ops.backup import BackupError, take_backup

    settings = settings_for(location)
    with opened_store(location, read_only=True) as store:
        try:
            result = take_backup(store, settings, Path(folder), keep=keep)
        except (BackupError, OSError) as exc:
            fail(f"backup failed, nothing was kept: {exc}")
    click.echo(f"backup {result.path}: {result.records} records, {result.files} evidence files "
               f"in {result.seconds:.2f} s")
    for relative in result.missing_files:
        click.echo(f"warning: evidence file {relative} is named by the graph but missing on disk", err=True)
    for old in result.removed:
        click.echo(f"removed old backup {old}")


@click.command("restore")
@store_option
@click.argument("backup", type=click.Path(exists=True, file_okay=False))
def restore_command(location: str | None, backup: str) -> None:
    """Restore a backup into an EMPTY store (and its files into CEM_DATA_DIR); refuses a store
    that holds anything."""
    from kg.ops.backup import BackupError, read_manifest, restore_files

    started = time.perf_counter()
    settings = settings_for(location)
    source = Path(backup)
    try:
        manifest = read_manifest(source)
    except BackupError as exc:
        fail(str(exc))
    snapshot = source / "graph.kgl"
    target = Path(settings.store_location)
    notes: list[str] = []
    if not settings.is_neo4j and snapshot.is_file() and not target.exists():
        try:
            copied, notes = restore_files(source, settings, manifest)
        except (BackupError, OSError) as exc:
            fail(str(exc))
        from kg.settings import ensure_private_dir

        ensure_private_dir(target.parent)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.restoring")
        shutil.copyfile(snapshot, tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
        with opened_store(location) as store:
            nodes = sum(store.counts()["labels"].values())
        method = "the store snapshot (search index included)"
    else:
        from kg.exchange import ImportError_, import_graph

        with opened_store(location) as store:
            held = sum(store.counts()["labels"].values())
            if held:
                fail(f"the {store.kind} store {store.location} holds {held} nodes: restore only into an empty store "
                     "(a new CEM_STORE file or database; nothing was changed)")
            try:
                copied, notes = restore_files(source, settings, manifest)
            except (BackupError, OSError) as exc:
                fail(str(exc))
            store.init_schema()
            lines = (source / "graph.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
            try:
                result = import_graph(store, lines, filename=str(source / "graph.jsonl"))
            except ImportError_ as exc:
                fail(f"{len(exc.problems)} malformed records in the backup; nothing was imported")
            nodes = result.nodes
        method = "the exchange file (run `cem index` to rebuild the search index from the restored vector cache)"
    click.echo(f"restored {nodes} nodes and {copied} evidence files from {source} via {method} "
               f"in {time.perf_counter() - started:.2f} s")
    for note in notes:
        click.echo(f"note: {note}", err=True)


@click.command("check-data")
@store_option
@click.option("--repair", is_flag=True, help="Move evidence files without a node to uploads/orphans/ and remove "
              "unfinished uploads (only with the server stopped).")
def check_data_command(location: str | None, repair: bool) -> None:
    """Compare the graph with the uploaded files and look for half-written records (cem serve does
    this at every start); exit 1 when something is wrong."""
    from kg.ops.integrity import check
    from kg.ops.readonly import ReadOnlyEmbeddedStore

    settings = settings_for(location)
    with opened_store(location, read_only=not repair) as store:
        if repair and isinstance(store, ReadOnlyEmbeddedStore):
            fail("--repair needs the server stopped (it moves files the server may be writing)")
        report = check(store, settings.data_dir, repair=repair)
    for line in report.lines():
        click.echo(line)
    if not report.clean and not repair:
        sys.exit(1)


commands = [backup_command, restore_command, check_data_command]
