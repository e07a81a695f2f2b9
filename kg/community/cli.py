"""``cem community …`` (imports, rates, key rotation) and ``cem sample …`` (the fictional sample
community)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click


def _open(location):
    from kg.cli import opened_store

    return opened_store(location)


def _cipher(settings):
    from kg.community.crypto import cipher_for
    from kg.settings import SettingsError

    try:
        return cipher_for(settings)
    except SettingsError as exc:
        from kg.cli import fail

        fail(str(exc))


store_option = click.option("--store", "location", default=None,
                            help="Embedded store file or neo4j:// / bolt:// URI (default: the CEM_STORE setting).")


@click.group()
def community() -> None:
    """The community workspace: CSV imports, handling rates, key rotation."""


@community.command(name="import")
@store_option
@click.argument("kind", type=click.Choice(["residents", "supplies", "people"]))
@click.argument("community_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_(location, kind: str, community_id: str, file: str) -> None:
    """Import a CSV of residents, supplies or people (grid workers, information officers,
    helpers) into COMMUNITY_ID; every bad row is reported as file:line: field: message and
    nothing is written."""
    from kg.audit import record_event
    from kg.cli import fail, settings_for
    from kg.community.imports import ImportProblems, import_csv

    try:
        text = Path(file).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{file}:1: -: not UTF-8 text ({exc.reason} at byte {exc.start})")
    settings = settings_for(location)
    with _open(location) as store:
        try:
            written = import_csv(store, community_id, kind, text, filename=file,
                                 cipher=_cipher(settings) if kind == "residents" else None)
        except ImportProblems as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            fail(f"{len(exc.problems)} problems; nothing was imported")
        record_event(store, "cli", f"community.import.{kind}", community_id, f"{written} rows from {Path(file).name}",
                     remote="cli")
    click.echo(f"imported {written} {kind} into {community_id}")


@community.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 120))
def rates(location, as_json: bool, months: int) -> None:
    """The handling rate (处理率) of every community over the last MONTHS months."""
    from kg.community.ledger import handling_rates

    with _open(location) as store:
        found = handling_rates(store, now=datetime.now(UTC), months=months)
    if as_json:
        click.echo(json.dumps({c: r.as_dict() for c, r in sorted(found.items())}, ensure_ascii=False, indent=2))
        return
    for community_id, rate in sorted(found.items()):
        shown = f"{rate.rate * 100:.1f} %" if rate.rate is not None else "—"
        click.echo(f"{community_id:<40} reported {rate.reported:>6}  handled {rate.handled:>6}  rate {shown:>8}  "
                   f"mean days to close {rate.mean_days_to_close if rate.mean_days_to_close is not None else '—'}")


@community.command(name="rotate-key")
@store_option
def rotate_key(location) -> None:
    """Re-encrypt residents' sensitive fields with the first key of CEM_PERSONAL_DATA_KEY (put
    the new key first, keep the old one after it until this has run)."""
    from kg.cli import settings_for
    from kg.community.residents import rotate_keys

    settings = settings_for(location)
    with _open(location) as store:
        done = rotate_keys(store, _cipher(settings))
    click.echo(f"re-encrypted {done} residents")


@click.group()
def sample() -> None:
    """The fictional sample community community.demo (marked as sample data)."""


@sample.command(name="load")
@store_option
@click.option("--plans/--no-plans", default=True, show_default=True,
              help="Also write the sample's plan, drills, survey and self-assessments (the drills' lessons need "
                   "the search model: the first run on a fresh store embeds the bundled lessons once).")
def sample_load(location, plans: bool) -> None:
    """Write the sample community (running it again replaces it; nothing else changes)."""
    from kg.cli import settings_for
    from kg.community import sample as demo

    settings = settings_for(location)
    with _open(location) as store:
        store.init_schema()
        result = demo.load(store, _cipher(settings), data_dir=str(settings.data_dir))
        written = _load_plans_sample(store, settings) if plans else None
    cases = ", ".join(f"{k} {v}" for k, v in sorted(result["cases"].items()))
    click.echo(f"loaded the fictional sample community {result['community']}: {sum(result['cases'].values())} cases "
               f"({cases}), {result['residents']} residents, {result['supplies']} supply items, {result['grids']} grids")
    if written is None:
        return
    click.echo(f"  and its plan ({written['plan_versions']} versions, one in force), {written['drills']} reviewed "
               f"drills, {written['survey_sheets']} survey answer sheets, {written['assessments']} self-assessments "
               f"(one signed off by the street and the county, one waiting for the county)")


def _load_plans_sample(store, settings) -> dict:
    """The sample's plan, drills, survey and self-assessments (kg.plans.sample); the drills' lessons
    are embedded with the search model, which is loaded here."""
    from datetime import UTC, datetime

    from kg.plans import sample as plans_sample
    from kg.search.embedder import VectorCache
    from kg.search.engine import SearchEngine
    from kg.search.index import build_index

    engine = SearchEngine(store)
    build_index(store, engine.embedder, labels=["LessonLearned"], cache=VectorCache(settings.embedding_cache_path))
    plans_sample.remove(store)
    return plans_sample.load(store, engine, now=datetime.now(UTC))


@sample.command(name="remove")
@store_option
def sample_remove(location) -> None:
    """Take the sample community out (its records, links and files)."""
    from kg.cli import settings_for
    from kg.community import sample as demo

    settings = settings_for(location)
    with _open(location) as store:
        from kg.plans import sample as plans_sample

        removed = plans_sample.remove(store) + demo.remove(store, str(settings.data_dir))
    click.echo(f"removed {removed} records of {demo.COMMUNITY}")
    if not removed:
        sys.exit(0)


commands = [community, sample]
