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


#: Commands that only read the store: beside a running server on the embedded store they read its
#: last checkpoint without the writer lease (``kg.ops.readonly``); every other command that opens
#: the store says in one line that the server holds it.
READ_ONLY_COMMANDS = frozenset({
    "stats", "export", "search", "ask", "backup", "check-data", "course list", "course check",
    "certificates expiring", "checklist list", "checklist show", "assessment export", "assessment show",
    "assessment list", "assessment gaps", "assessment score", "assessment communities", "assessment readiness",
    "user list"})


def command_name() -> str:
    """The running subcommand's name without the program's (``course list``)."""
    ctx = click.get_current_context(silent=True)
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


@contextmanager
def opened_store(location: str | None, *, read_only: bool | None = None):
    """Open the configured store; turn store, settings and domain failures into clean errors.

    On the embedded store held by a running server, a read-only command (``READ_ONLY_COMMANDS``,
    or ``read_only=True``) reads the server's last checkpoint instead; a writing command stops
    with one line saying what to do instead."""
    from kg.store import StoreError, open_store

    settings = settings_for(location)
    if read_only is None:
        read_only = command_name() in READ_ONLY_COMMANDS
    try:
        store = open_store(settings)
    except StoreError as exc:
        from kg.ops.readonly import ReadOnlyEmbeddedStore, busy_message, lease_holder

        holder = lease_holder(exc)
        if holder is None or settings.is_neo4j:
            fail(str(exc))
            raise  # unreachable: fail() exits
        if not read_only:
            fail(busy_message(settings.store_location, holder))
        try:
            reader = ReadOnlyEmbeddedStore(settings.store_location, holder=holder)
        except StoreError as again:
            fail(str(again))
            raise  # unreachable
        click.echo(f"note: the server (pid {holder.get('pid') or '?'}) holds the store; reading its checkpoint of "
                   f"{reader.checkpoint_time:%Y-%m-%d %H:%M:%S} (the server writes one within a few seconds of a "
                   "change)", err=True)
        store = reader
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

    with opened_store(location) as store, open(file, "w", encoding="utf-8", newline="\n") as out:
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
    from kg.coverage import (
        COLUMNS,
        RECOVERY_MINIMUM,
        RECOVERY_PHASE,
        duties_per_phase,
        first_responder_coverage,
        gaps,
        hazard_coverage,
    )

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
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Neo4j only: run this many gunicorn worker processes (default: one waitress process).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Request threads per process.")
@click.option("--debug", is_flag=True, help="Werkzeug's development server with the debugger (never in production).")
@click.option("--no-load", is_flag=True, help="Do not load the bundled content into an empty store.")
def serve(location: str | None, host: str, port: int, workers: int | None, threads: int, debug: bool,
          no_load: bool) -> None:
    """Run the web app: waitress (threads) on the embedded store, gunicorn --workers N on Neo4j.

    An empty embedded store gets the bundled content first; while no admin exists a one-time
    set-up URL is printed.  SIGTERM stops it gracefully (requests in flight finish)."""
    import logging

    from kg.ops import serve as serving
    from kg.store import StoreError, open_store
    from web.requestlog import configure_logging

    settings = settings_for(location)
    configure_logging(settings.log_level)
    log = logging.getLogger("cem.serve")
    if workers is not None and workers > 1 and not settings.is_neo4j:
        fail("the embedded store allows one process: use --threads for more concurrency, or Neo4j "
             "(CEM_STORE=neo4j://…) for --workers")
    log.info(serving.describe_torch())
    try:
        store = open_store(settings)
    except StoreError as exc:
        from kg.ops.readonly import lease_holder

        holder = lease_holder(exc)
        fail(f"another server (pid {holder.get('pid') or '?'}) already serves {settings.store_location}"
             if holder is not None else str(exc))
    try:
        store.init_schema()
        if not no_load and settings.store_kind == "embedded" and not store.counts()["labels"]:
            result = _load(store)
            click.echo(_("已载入内置内容：%(nodes)s 个节点，%(relationships)s 条关系", nodes=result["nodes"],
                         relationships=result["relationships"]))
        from kg.ops.integrity import check, log_report

        log_report(check(store, settings.data_dir))
        setup_url = _setup_url(store, host, port)
    except StoreError as exc:
        store.close()
        fail(str(exc))
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if settings.is_neo4j and workers is not None and not debug:
        store.close()  # each worker opens its own driver after the fork
        click.echo(_("正在用 %(workers)s 个 gunicorn 工作进程提供 Neo4j 存储 %(location)s 的网页：http://%(host)s:%(port)s/",
                     workers=workers, location=store.location, host=shown, port=port))
        _print_setup(setup_url, shown, port)
        from web import create_app as app_factory

        serving.run_gunicorn(settings, app_factory=app_factory, configure_logging=configure_logging,
                             host=host, port=port, workers=workers, threads=threads,
                             on_worker_ready=_start_background_work)
        return
    from web import create_app

    try:
        app = create_app(settings, store=store)
    except SettingsError as exc:
        store.close()
        fail(str(exc))
    if debug:
        click.echo(_("正在用 Werkzeug 开发服务器（--debug）提供%(kind)s存储的网页：http://%(host)s:%(port)s/",
                     kind=store_kind(store.kind), host=shown, port=port))
        _print_setup(setup_url, shown, port)
        _start_background_work(app, index=True)
        try:
            app.run(host=host, port=port, threaded=True, use_reloader=False, debug=True)
        finally:
            store.close()
        return
    server = serving.GracefulWaitress(app, host=host, port=port, threads=threads,
                                      in_flight=app.extensions["cem_in_flight"])
    checkpointer = serving.Checkpointer(store) if store.kind == "embedded" else None
    serving.install_stop_signals(server.request_stop)
    _start_background_work(app, index=True)  # one process: it also keeps the search index current
    if checkpointer is not None:
        checkpointer.start()
    click.echo(_("正在提供%(kind)s存储的网页：http://%(host)s:%(port)s/（waitress，%(threads)s 个线程）",
                 kind=store_kind(store.kind), host=shown, port=server.port, threads=threads))
    _print_setup(setup_url, shown, server.port)
    try:
        server.serve()
    finally:
        if checkpointer is not None:
            checkpointer.stop()
        store.close()
        log.info("stopped; the store is closed")


def _setup_url(store, host: str, port: int) -> str | None:
    """A new one-time set-up token while no admin exists (``kg.ops.setup``)."""
    from kg.ops import setup as first_run

    if not first_run.needs_setup(store):
        return None
    return "/setup/" + first_run.issue(store)


def _print_setup(path: str | None, host: str, port: int) -> None:
    if path:
        click.echo("no admin exists yet: create the first one at this one-time set-up URL (valid 24 hours, or "
                   "until used; a restart prints a new one):")
        click.echo(f"    http://{host}:{port}{path}")


def _start_background_work(app, *, index: bool = False) -> None:
    """Load the search model in the background (searches answer keyword-only until it is ready);
    with ``index``, also bring the search index up to date in the background (keyword terms
    within seconds, then the vectors, with progress on the search page and in the log) — what a
    store just loaded with the bundled content needs before search finds anything."""
    from kg.search.embedder import preload_embedder

    if index:
        from kg.search.job import start_index_job

        app.extensions["cem_index_job"] = start_index_job(app.extensions["cem_store"])
    else:
        preload_embedder()


def _register_area_commands() -> None:
    """Each area adds its commands in its own module (a list ``commands`` of click commands or
    groups); they are imported explicitly, so a broken area is an import error."""
    from assessments import cli as assessment_commands
    from assessments import evidence_cli  # noqa: F401 - adds `cem assessment propose` to the group
    from curricula import cli as training_commands
    from kg.accounts import cli as account_commands
    from kg.community import cli as community_commands
    from kg.ops import cli as ops_commands
    from kg.search import cli as search_commands

    for module in (search_commands, training_commands, assessment_commands, account_commands, community_commands,
                   ops_commands):
        for command in module.commands:
            main.add_command(command)


_register_area_commands()
