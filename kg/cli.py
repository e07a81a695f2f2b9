"""The `cem` command line.  User errors print a message and exit non-zero (no traceback)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from kg import __version__
from kg.errors import DomainError
from kg.settings import Settings, SettingsError, get_settings


def fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def settings_for(location: str | None = None) -> Settings:
    """The process's settings (read from the environment once), with ``--store`` applied; a
    bad setting ends the command with its one-line explanation."""
    try:
        return get_settings().with_store(location)
    except SettingsError as exc:
        fail(str(exc))
        raise  # unreachable: fail() exits


@contextmanager
def opened_store(location: str | None):
    """Open the configured store; turn store, settings and domain failures into clean errors."""
    from kg.store import StoreError, open_store

    settings = settings_for(location)
    try:
        store = open_store(settings)
    except StoreError as exc:
        fail(str(exc))
    health = store.health()
    if not health.ok:
        store.close()
        fail(f"the {settings.store_kind} store at {store.location} is not reachable: {health.detail}")
    try:
        yield store
    except (StoreError, DomainError) as exc:
        fail(str(exc))
    finally:
        store.close()


store_option = click.option("--store", "location", default=None,
                            help="Embedded store file or neo4j:// / bolt:// URI (default: the CEM_STORE setting).")


@click.group()
@click.version_option(__version__, prog_name="cem")
def main() -> None:
    """Community emergency-management knowledge graph."""
    get_settings.cache_clear()  # one command, one reading of the settings (tests run many in one process)


@main.command()
@click.option("--path", "paths", multiple=True, type=click.Path(exists=True),
              help="Check these files or folders instead of the bundled content.")
def check(paths: tuple[str, ...]) -> None:
    """Validate all content; print every problem as file:line: field: message.

    Sources without an address, or whose address is only a mirror, are printed as warnings
    (``warning: file:line: field: message``); warnings do not change the exit code."""
    from kg.content.loader import read_content
    from kg.content.rules import provenance_warnings

    content = read_content([Path(p) for p in paths] if paths else None)
    for problem in content.problems:
        click.echo(str(problem))
    warnings = provenance_warnings(content)
    for warning in warnings:
        click.echo(f"warning: {warning}")
    summary = (f"{len(content.files)} files, {len(content.nodes)} nodes, "
               f"{len(content.relationships)} relationships, {len(content.problems)} problems")
    if warnings:
        click.echo(f"{len(warnings)} warnings: sources without an address or with only a mirror")
    if content.problems:
        click.echo(summary, err=True)
        sys.exit(1)
    click.echo(f"ok: {summary}")


@main.command()
@store_option
def init(location: str | None) -> None:
    """Create constraints and indexes (safe to run again)."""
    with opened_store(location) as store:
        for what in store.init_schema():
            click.echo(f"ensured {what}")


def _load(store, paths=None) -> dict:
    from kg.content.load import load_content
    from kg.content.loader import read_content

    content = read_content([Path(p) for p in paths] if paths else None)
    if not content.ok:
        for problem in content.problems:
            click.echo(str(problem), err=True)
        fail(f"{len(content.problems)} problems in the content; nothing was written")
    store.init_schema()
    total = len(content.nodes) + len(content.relationships)
    with click.progressbar(length=total, label="loading", file=sys.stderr) as bar:
        result = load_content(store, content, progress=bar.update)
    return result


@main.command()
@store_option
@click.option("--path", "paths", multiple=True, type=click.Path(exists=True),
              help="Load these files or folders instead of the bundled content.")
def load(location: str | None, paths: tuple[str, ...]) -> None:
    """Validate the content, then write it (running it twice changes nothing)."""
    with opened_store(location) as store:
        result = _load(store, paths)
        click.echo(f"loaded {result['nodes']} nodes and {result['relationships']} relationships into {store.kind} store")


@main.command()
@store_option
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export(location: str | None, file: str) -> None:
    """Write the whole graph to FILE as JSON Lines (stable order)."""
    from kg.exchange import export_graph

    with opened_store(location) as store:
        with open(file, "w", encoding="utf-8", newline="\n") as out:
            count = export_graph(store, out)
    click.echo(f"exported {count} records to {file}")


@main.command(name="import")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_(location: str | None, file: str) -> None:
    """Read a JSON Lines export into the store; a file with a malformed line writes nothing."""
    from kg.exchange import ImportError_, import_graph

    with opened_store(location) as store:
        store.init_schema()
        try:
            with open(file, encoding="utf-8") as fh:
                lines = fh.readlines()
        except UnicodeDecodeError as exc:
            fail(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        try:
            with click.progressbar(length=len(lines), label="importing", file=sys.stderr) as bar:
                result = import_graph(store, lines, filename=file, progress=bar.update)
        except ImportError_ as exc:
            for problem in exc.problems[:50]:
                click.echo(problem, err=True)
            fail(f"{len(exc.problems)} malformed records; nothing was imported")
    click.echo(f"imported {result.nodes} nodes and {result.relationships} relationships")


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--coverage", is_flag=True, help="Per hazard: duties, plans, lessons, modules and criteria that reach it; "
              "the seed's first-responder groups and the courses that reach them; duties per phase.")
@click.option("--provenance", is_flag=True, help="Shares of sources with an official address, only a mirror, or none.")
def stats(location: str | None, as_json: bool, coverage: bool, provenance: bool) -> None:
    """Counts per label and relationship type (or the coverage or provenance report)."""
    if coverage and provenance:
        fail("choose one of --coverage and --provenance")
    with opened_store(location) as store:
        if coverage:
            _print_coverage(store, as_json)
            return
        if provenance:
            _print_provenance(store, as_json)
            return
        counts = store.counts()
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    click.echo("labels:")
    for label, n in counts["labels"].items():
        click.echo(f"  {label:<20} {n:>7}")
    click.echo("relationships:")
    for rel, n in counts["relationships"].items():
        click.echo(f"  {rel:<20} {n:>7}")


def _print_coverage(store, as_json: bool) -> None:
    from kg.coverage import (COLUMNS, RECOVERY_MINIMUM, RECOVERY_PHASE, duties_per_phase, first_responder_coverage,
                             gaps, hazard_coverage)

    cov = hazard_coverage(store)
    holes = gaps(cov)
    groups, unknown_audience = first_responder_coverage(store)
    phases = duties_per_phase(store)
    recovery = next((p["duties"] for p in phases if p["phase"] == RECOVERY_PHASE), 0)
    if as_json:
        click.echo(json.dumps({"hazards": {h: {c: v.count(c) for c in COLUMNS} | {"level": v.level, "family": v.family}
                                           for h, v in sorted(cov.items())},
                               "gaps": holes,
                               "first_responder_groups": [{"group": g.group, "covered": g.covered, "tracks": g.tracks,
                                                           "other_courses": g.other_courses} for g in groups],
                               "unknown_audience": [{"course": c, "value": v} for c, v in unknown_audience],
                               "duties_per_phase": {p["phase"]: p["duties"] for p in phases},
                               "recovery_duties": recovery}, ensure_ascii=False, indent=2))
        return
    _print_hazard_table(cov, holes)
    click.echo("first-responder groups (seed article) reached by a course track:")
    for g in groups:
        reached = ", ".join(g.tracks) if g.covered else "not yet covered"
        also = f" (also named by {', '.join(g.other_courses)})" if g.other_courses else ""
        click.echo(f"  {g.group}: {reached}{also}")
    covered = sum(1 for g in groups if g.covered)
    click.echo(f"  {covered} of {len(groups)} groups covered")
    for course, value in unknown_audience:
        click.echo(f"  warning: {course} names an audience {value!r} that is not one of the seed's groups")
    click.echo("duties per phase:")
    for p in phases:
        click.echo(f"  {p['phase']:<24}{p['name']:<8}{p['duties']:>5}")
    click.echo(f"recovery duties: {recovery} (minimum {RECOVERY_MINIMUM})")


def _print_provenance(store, as_json: bool) -> None:
    from kg.coverage import source_provenance

    shares = source_provenance(store)
    if as_json:
        click.echo(json.dumps(shares, ensure_ascii=False, indent=2))
        return
    total = sum(v["count"] for v in shares.values())
    click.echo(f"sources: {total}")
    labels = {"official": "official (publisher's address)", "mirror": "mirror only", "none": "no address"}
    for kind, v in shares.items():
        click.echo(f"  {labels[kind]:<32}{v['count']:>5}  {v['share']:>5.1f} %")


def _print_hazard_table(cov, holes) -> None:
    from kg.coverage import COLUMNS, family_lessons

    fam = family_lessons(cov)
    click.echo(f"{'hazard':<34}{'name':<16}" + "".join(f"{c:>9}" for c in COLUMNS))
    for h in sorted(cov.values(), key=lambda c: (c.family or c.id, c.level != "family", c.id)):
        name = h.name if len(h.name) <= 8 else h.name[:7] + "…"
        pad = 16 - len(name)  # CJK characters are double width: pad by characters, roughly aligned
        values = "".join(f"{h.count(c):>9}" for c in COLUMNS)
        if h.level == "family":
            values = "".join(f"{(len(fam[h.id]) if c == 'lessons' else h.count(c)):>9}" for c in COLUMNS)
        click.echo(f"{('* ' if h.level == 'family' else '  ') + h.id:<34}{name}{' ' * max(1, pad - len(name))}{values}")
    click.echo("(* family rows count the lessons of all their hazards)")
    for key, ids in holes.items():
        click.echo(f"{key}: {', '.join(ids) if ids else 'none'}")


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-load", is_flag=True, help="Do not load the bundled content into an empty store.")
def serve(location: str | None, host: str, port: int, no_load: bool) -> None:
    """Run the web app (threads, one process); an empty embedded store gets the bundled content first."""
    from kg.store import StoreError, open_store
    from web import create_app

    settings = settings_for(location)
    try:
        store = open_store(settings)
    except StoreError as exc:
        fail(str(exc))
    try:
        store.init_schema()
        if not no_load and settings.store_kind == "embedded" and not store.counts()["labels"]:
            result = _load(store)
            click.echo(f"loaded the bundled content: {result['nodes']} nodes, {result['relationships']} relationships")
    except StoreError as exc:
        store.close()
        fail(str(exc))
    try:
        app = create_app(settings, store=store)
    except SettingsError as exc:
        store.close()
        fail(str(exc))
    click.echo(f"serving {store.kind} store on http://{host}:{port}/")
    try:
        app.run(host=host, port=port, threaded=True, use_reloader=False)
    finally:
        store.close()


def _register_area_commands() -> None:
    """Each area adds its commands in its own module (a list ``commands`` of click commands or
    groups); they are imported explicitly, so a broken area is an import error."""
    from assessments import cli as assessment_commands
    from assessments import evidence_cli  # noqa: F401 - adds `cem assessment propose` to the group
    from curricula import cli as training_commands
    from kg.accounts import cli as account_commands
    from kg.community import cli as community_commands
    from kg.search import cli as search_commands

    for module in (search_commands, training_commands, assessment_commands, account_commands, community_commands):
        for command in module.commands:
            main.add_command(command)


_register_area_commands()
