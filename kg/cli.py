"""The `cem` command line.  User errors print a message and exit non-zero (no traceback).

Messages are in one language per run (``kg.i18n_cli``: the ``CEM_LANGUAGE`` setting, or ``LANG``);
each is written as a Simplified Chinese msgid with its English in ``web/translations/en/
LC_MESSAGES/cli.po``."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from kg import __version__
from kg.errors import N_, DomainError
from kg.i18n_cli import _, message, set_language
from kg.settings import Settings, SettingsError, get_settings

#: What each kind of store is called in a message.
STORE_KINDS = {"embedded": N_("嵌入式"), "neo4j": N_("Neo4j")}


def fail(problem, code: int = 1):
    """Print ``error: <problem>`` (a text, a ``DomainError`` or a ``Message``, in this run's
    language) and end the command with ``code``."""
    click.echo(_("错误：%(message)s", message=message(problem)), err=True)
    sys.exit(code)


def store_kind(kind: str) -> str:
    return _(STORE_KINDS.get(kind, kind))


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
        fail(_("无法访问%(kind)s存储 %(location)s：%(detail)s", kind=store_kind(settings.store_kind),
               location=store.location, detail=health.detail))
    try:
        yield store
    except DomainError as exc:
        fail(exc)
    except StoreError as exc:
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
    try:
        set_language(get_settings().cli_language)
    except SettingsError:
        set_language("en")  # the command itself reports the bad setting (in English, as settings errors are)


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
        click.echo(_("警告：%(warning)s", warning=warning))
    summary = _("%(files)s 个文件，%(nodes)s 个节点，%(relationships)s 条关系，%(problems)s 个问题",
                files=len(content.files), nodes=len(content.nodes), relationships=len(content.relationships),
                problems=len(content.problems))
    if warnings:
        click.echo(_("%(n)s 条警告：来源没有网址，或只有转载地址", n=len(warnings)))
    if content.problems:
        click.echo(summary, err=True)
        sys.exit(1)
    click.echo(_("通过：%(summary)s", summary=summary))


@main.command()
@store_option
def init(location: str | None) -> None:
    """Create constraints and indexes (safe to run again)."""
    with opened_store(location) as store:
        for what in store.init_schema():
            click.echo(_("已确保 %(what)s", what=what))


def _load(store, paths=None) -> dict:
    from kg.content.load import load_content
    from kg.content.loader import read_content

    content = read_content([Path(p) for p in paths] if paths else None)
    if not content.ok:
        for problem in content.problems:
            click.echo(str(problem), err=True)
        fail(_("内容有 %(n)s 个问题，未写入任何内容", n=len(content.problems)))
    store.init_schema()
    total = len(content.nodes) + len(content.relationships)
    with click.progressbar(length=total, label=_("正在载入"), file=sys.stderr) as bar:
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
        click.echo(_("已将 %(nodes)s 个节点和 %(relationships)s 条关系载入%(kind)s存储", nodes=result["nodes"],
                     relationships=result["relationships"], kind=store_kind(store.kind)))


@main.command()
@store_option
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export(location: str | None, file: str) -> None:
    """Write the whole graph to FILE as JSON Lines (stable order)."""
    from kg.exchange import export_graph

    with opened_store(location) as store:
        with open(file, "w", encoding="utf-8", newline="\n") as out:
            count = export_graph(store, out)
    click.echo(_("已导出 %(n)s 条记录到 %(file)s", n=count, file=file))


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
            fail(_("%(file)s：不是 UTF-8 文本（第 %(byte)s 字节：%(reason)s）", file=file, byte=exc.start,
                   reason=exc.reason))
        try:
            with click.progressbar(length=len(lines), label=_("正在导入"), file=sys.stderr) as bar:
                result = import_graph(store, lines, filename=file, progress=bar.update)
        except ImportError_ as exc:
            for problem in exc.problems[:50]:
                click.echo(problem, err=True)
            fail(_("%(n)s 条记录格式有误，未导入任何内容", n=len(exc.problems)))
    click.echo(_("已导入 %(nodes)s 个节点和 %(relationships)s 条关系", nodes=result.nodes,
                 relationships=result.relationships))


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--coverage", is_flag=True, help="Per hazard: duties, plans, lessons, modules and criteria that reach it; "
              "the seed's first-responder groups and the courses that reach them; duties per phase.")
@click.option("--provenance", is_flag=True, help="Shares of sources with an official address, only a mirror, or none.")
def stats(location: str | None, as_json: bool, coverage: bool, provenance: bool) -> None:
    """Counts per label and relationship type (or the coverage or provenance report)."""
    if coverage and provenance:
        fail(_("--coverage 和 --provenance 只能选一个"))
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
    click.echo(_("节点类别："))
    for label, n in counts["labels"].items():
        click.echo(f"  {label:<20} {n:>7}")
    click.echo(_("关系类型："))
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
    click.echo(_("种子文章列出的第一响应人群体及覆盖他们的课程方向："))
    for g in groups:
        reached = ", ".join(g.tracks) if g.covered else _("尚未覆盖")
        also = _("（另见 %(courses)s）", courses=", ".join(g.other_courses)) if g.other_courses else ""
        click.echo(f"  {g.group}: {reached}{also}")
    covered = sum(1 for g in groups if g.covered)
    click.echo("  " + _("%(covered)s / %(total)s 个群体已覆盖", covered=covered, total=len(groups)))
    for course, value in unknown_audience:
        click.echo("  " + _("警告：%(course)s 的面向人群 %(value)s 不是种子文章列出的群体", course=course,
                            value=repr(value)))
    click.echo(_("各阶段的职责数："))
    for p in phases:
        click.echo(f"  {p['phase']:<24}{p['name']:<8}{p['duties']:>5}")
    click.echo(_("善后恢复职责：%(n)s（至少 %(minimum)s）", n=recovery, minimum=RECOVERY_MINIMUM))


def _print_provenance(store, as_json: bool) -> None:
    from kg.coverage import source_provenance

    shares = source_provenance(store)
    if as_json:
        click.echo(json.dumps(shares, ensure_ascii=False, indent=2))
        return
    total = sum(v["count"] for v in shares.values())
    click.echo(_("来源文件：%(n)s", n=total))
    labels = {"official": _("官方地址（发布机关网站）"), "mirror": _("仅有转载地址"), "none": _("没有地址")}
    for kind, v in shares.items():
        click.echo(f"  {labels[kind]:<32}{v['count']:>5}  {v['share']:>5.1f} %")


def _print_hazard_table(cov, holes) -> None:
    from kg.coverage import COLUMNS, family_lessons

    fam = family_lessons(cov)
    click.echo(f"{_('灾害风险编号'):<34}{_('名称简写'):<16}" + "".join(f"{c:>9}" for c in COLUMNS))
    for h in sorted(cov.values(), key=lambda c: (c.family or c.id, c.level != "family", c.id)):
        name = h.name if len(h.name) <= 8 else h.name[:7] + "…"
        pad = 16 - len(name)  # CJK characters are double width: pad by characters, roughly aligned
        values = "".join(f"{h.count(c):>9}" for c in COLUMNS)
        if h.level == "family":
            values = "".join(f"{(len(fam[h.id]) if c == 'lessons' else h.count(c)):>9}" for c in COLUMNS)
        click.echo(f"{('* ' if h.level == 'family' else '  ') + h.id:<34}{name}{' ' * max(1, pad - len(name))}{values}")
    click.echo(_("（* 类别行计入其下所有灾害风险的经验教训）"))
    for key, ids in holes.items():
        click.echo(f"{key}: {', '.join(ids) if ids else _('（无）')}")


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
            click.echo(_("已载入内置内容：%(nodes)s 个节点，%(relationships)s 条关系", nodes=result["nodes"],
                         relationships=result["relationships"]))
    except StoreError as exc:
        store.close()
        fail(str(exc))
    try:
        app = create_app(settings, store=store)
    except SettingsError as exc:
        store.close()
        fail(str(exc))
    click.echo(_("正在提供%(kind)s存储的网页：http://%(host)s:%(port)s/", kind=store_kind(store.kind), host=host,
                 port=port))
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
