"""``cem checklist …`` and ``cem assessment …``: the self-assessment engine on the command line.

User errors print ``error: …`` and exit 1 (no traceback).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import yaml

from assessments.checklist import DEFAULT_STANDARD, Checklist, checklist_from_content, list_standards, load_checklist
from assessments.errors import AssessmentError
from kg.cli import fail, opened_store, store_option


def _fmt(x) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def _content_checklist(standard: str) -> Checklist:
    from kg.content.loader import read_content

    return checklist_from_content(read_content(), standard)


def _guard(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except AssessmentError as exc:
        fail(exc.message)


def _audit(store, action: str, target: str, details: str = "") -> None:
    try:
        from kg.audit import record_event
    except ImportError:  # the web area is optional for the engine
        return
    record_event(store, "cli", action, target, details, remote="cli")


# --- cem checklist ------------------------------------------------------------------------------

@click.group()
def checklist() -> None:
    """Show the demonstration-community checklist (and other standards)."""


@checklist.command("list")
@store_option
def checklist_list(location: str | None) -> None:
    """The standards in the store."""
    with opened_store(location) as store:
        rows = list_standards(store)
    if not rows:
        fail("the store holds no standard: run `cem load` first")
    for r in rows:
        click.echo(f"{r['id']:<40} {r['criteria']:>3} criteria  {_fmt(r['total_points'])} points  "
                   f"pass {_fmt(r['pass_mark'])}  {r['name']}")


@checklist.command("show")
@store_option
@click.option("--standard", default=DEFAULT_STANDARD, show_default=True)
@click.option("--from-content", is_flag=True, help="Read the bundled content files instead of the store.")
@click.option("--json", "as_json", is_flag=True)
def checklist_show(location: str | None, standard: str, from_content: bool, as_json: bool) -> None:
    """Gate conditions and scored criteria per element, with points (refused if they do not add up)."""
    if from_content:
        ck = _guard(_content_checklist, standard)
    else:
        with opened_store(location) as store:
            ck = _guard(load_checklist, store, standard)
    if as_json:
        click.echo(json.dumps({"standard": ck.standard_id, "name": ck.name, "total_points": ck.total_points,
                               "pass_mark": ck.pass_mark, "criteria": [c.as_dict() for c in ck.criteria]},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"{ck.name} ({ck.standard_id})")
    click.echo(f"total {_fmt(ck.total_points)} points; pass mark {_fmt(ck.pass_mark)}; "
               f"{len(ck.gates)} gate conditions, {len(ck.scored)} scored criteria")
    if ck.gates:
        click.echo("\n基本条件 (must all hold)")
        for c in ck.gates:
            click.echo(f"  {c.number:<6} {c.name}  [{c.scoring}{_target(c)}]")
    for el in ck.elements:
        click.echo(f"\n{el.name}  ({_fmt(el.max_points)})")
        for c in el.criteria:
            extra = f", every {c.recurrence_months} months" if c.recurrence_months else ""
            click.echo(f"  {c.number:<6} {_fmt(c.points):>4}  {c.name}  [{c.scoring}{_target(c)}{extra}]")


def _target(c) -> str:
    if c.scoring != "numeric":
        return ""
    return f" {'>' if c.target_above and c.gate else '>='} {_fmt(c.target)}{c.unit or ''}"


# --- cem assessment -----------------------------------------------------------------------------

@click.group()
def assessment() -> None:
    """Demonstration-community self-assessments: score, gaps, reminders, readiness."""


def _read_answers_file(path: str) -> tuple[str | None, dict]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read: {exc}")
    except yaml.YAMLError as exc:
        fail(f"{path}: malformed YAML: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        fail(f"{path}: expected a mapping with `answers:` (criterion number or id -> answer)")
    unknown = set(data) - {"standard", "answers", "community"}
    if unknown:
        fail(f"{path}: unknown keys {', '.join(sorted(map(str, unknown)))}")
    return data.get("standard"), {str(k): v for k, v in data["answers"].items()}


def _print_result(result) -> None:
    ck = result.checklist
    if result.gates:
        click.echo("基本条件:")
        for s in result.gates:
            click.echo(f"  {s.criterion.number:<6} {'满足' if s.effective_held else '不满足'}  {s.criterion.name}")
    click.echo("基本要素:")
    for e in result.elements:
        click.echo(f"  {e.element.name:<20} {_fmt(e.points):>6} / {_fmt(e.max_points)}")
    click.echo(f"总分: {_fmt(result.total)} / {_fmt(ck.total_points)}")
    if ck.pass_mark is not None:
        click.echo(f"合格线 {_fmt(ck.pass_mark)}: {'达到' if result.score_passed else '未达到'}; "
                   f"基本条件: {'全部满足' if result.gates_met else '未全部满足'}; "
                   f"结论: {'可申报' if result.qualified else '暂不具备申报条件'}")
    if result.unanswered:
        click.echo(f"未作答 {len(result.unanswered)} 项: "
                   + ", ".join(ck.by_id[c].number for c in result.unanswered))


@assessment.command("score")
@store_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--standard", default=None, help="Standard id (default: the file's `standard`, else the 2020 standard).")
@click.option("--from-content", is_flag=True, help="Read the checklist from the bundled content files, not the store.")
@click.option("--json", "as_json", is_flag=True)
def score_file(location: str | None, file: str, standard: str | None, from_content: bool, as_json: bool) -> None:
    """Score the answers in FILE (YAML: `answers: {"1.1": met, "1.3a": 95, G2: 否, …}`)."""
    from assessments.scoring import parse_answers, score

    file_standard, raw = _read_answers_file(file)
    standard = standard or file_standard or DEFAULT_STANDARD
    if from_content:
        ck = _guard(_content_checklist, standard)
    else:
        with opened_store(location) as store:
            ck = _guard(load_checklist, store, standard)
    answers = _guard(parse_answers, ck, raw)
    result = score(ck, answers)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_result(result)


@assessment.command("gaps")
@store_option
@click.argument("assessment_id")
@click.option("--format", "fmt", type=click.Choice(["text", "md", "csv", "json"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write to a file instead.")
def gaps(location: str | None, assessment_id: str, fmt: str, output: str | None) -> None:
    """The gap plan of an assessment: actions from the graph, most points per effort first."""
    from assessments.gap_plan import gap_plan
    from assessments.workflow import load_view

    with opened_store(location) as store:
        view = _guard(load_view, store, assessment_id)
        plan = gap_plan(store, view.result, assessment_id=assessment_id)
    if fmt == "md":
        text = plan.to_markdown(f"差距整改计划：{view.community.get('name', view.record.community)}")
    elif fmt == "csv":
        text = plan.to_csv()
    elif fmt == "json":
        text = json.dumps(plan.as_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        lines = [f"{len(plan.gaps)} gaps, {_fmt(plan.recoverable)} points to recover, {len(plan.actions)} actions"]
        for i, a in enumerate(plan.actions, 1):
            gate = " [gate]" if a.serves_gate else ""
            lines.append(f"{i:>3}. {a.title}{gate}  (effort {a.effort}, +{_fmt(a.points)}, "
                         f"priority {a.priority:.3f})")
            for x in a.assignments[:5]:
                lines.append(f"       - {x.name} → {'、'.join(h[1] for h in x.holders)}")
            if len(a.assignments) > 5:
                lines.append(f"       … {len(a.assignments) - 5} more duties")
        text = "\n".join(lines) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@assessment.command("show")
@store_option
@click.argument("assessment_id")
@click.option("--json", "as_json", is_flag=True)
def show(location: str | None, assessment_id: str, as_json: bool) -> None:
    """An assessment's state and result."""
    from assessments.reports import view_json
    from assessments.workflow import load_view

    with opened_store(location) as store:
        view = _guard(load_view, store, assessment_id)
    if as_json:
        click.echo(view_json(view))
        return
    r = view.record
    click.echo(f"{r.id}  {view.community.get('name', r.community)}  {r.status_label}  version {r.version}")
    _print_result(view.result)


@assessment.command("export")
@store_option
@click.argument("assessment_id")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True))
def export(location: str | None, assessment_id: str, fmt: str, output: str | None) -> None:
    """Export an assessment as JSON (with its gap plan) or its criterion scores as CSV."""
    from assessments.gap_plan import gap_plan
    from assessments.reports import scores_csv, view_json
    from assessments.workflow import load_view

    with opened_store(location) as store:
        view = _guard(load_view, store, assessment_id)
        text = (view_json(view, gap_plan(store, view.result, assessment_id=assessment_id)) + "\n"
                if fmt == "json" else scores_csv(view.result))
    if output:
        Path(output).write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@assessment.command("list")
@store_option
@click.option("--community", default=None)
@click.option("--status", "statuses", multiple=True, type=click.Choice(["draft", "submitted", "returned", "signed_off"]))
def list_(location: str | None, community: str | None, statuses: tuple[str, ...]) -> None:
    """Assessments, newest first."""
    from assessments.workflow import list_assessments

    with opened_store(location) as store:
        records = list_assessments(store, community_id=community, statuses=list(statuses) or None)
    for r in records:
        click.echo(f"{r.id}  {r.community:<24} {r.status:<11} {_fmt(r.get('total')):>6}  "
                   f"gaps {r.get('open_gaps')}  {r.created_at[:10]}")
    if not records:
        click.echo("no assessments", err=True)


@assessment.command("add-community")
@store_option
@click.argument("community_id")
@click.argument("name")
@click.option("--area", default=None, help="Organization id of the street/town office that reviews it.")
@click.option("--target", "target", type=int, default=None, help="Target number of trained first responders.")
@click.option("--population", type=int, default=None,
              help="Residents (readiness and training reports count trained responders per 10,000 residents).")
@click.option("--households", type=int, default=None, help="Households.")
def add_community(location: str | None, community_id: str, name: str, area: str | None, target: int | None,
                  population: int | None, households: int | None) -> None:
    """Create or update a community (COMMUNITY_ID like community.xinhua-nanlu); an option left
    out keeps what is recorded."""
    from assessments.workflow import create_community

    with opened_store(location) as store:
        store.init_schema()
        c = _guard(create_community, store, community_id, name, area=area, first_responder_target=target,
                   population=population, households=households)
        _audit(store, "assessment.community", community_id,
               f"name={name} area={area or ''} target={_blank(target)} population={_blank(population)} "
               f"households={_blank(households)}")
    click.echo(f"saved {c['id']} ({c['name']})")


def _blank(value) -> str:
    return "" if value is None else str(value)


@assessment.command("communities")
@store_option
def communities(location: str | None) -> None:
    """Every community with its area and first-responder target."""
    from assessments.workflow import list_communities

    with opened_store(location) as store:
        rows = list_communities(store)
    for c in rows:
        click.echo(f"{c['id']:<32} {c.get('area') or '—':<28} target {c.get('first_responder_target', '—')}  "
                   f"population {c.get('population', '—')}  households {c.get('households', '—')}  {c['name']}")
    if not rows:
        click.echo("no communities", err=True)


@assessment.command("reminders")
@store_option
@click.argument("community_id")
@click.option("--standard", default=DEFAULT_STANDARD, show_default=True)
@click.option("--today", default=None, help="Compute due dates as of this date (YYYY-MM-DD).")
def reminders_cmd(location: str | None, community_id: str, standard: str, today: str | None) -> None:
    """Recurring requirements of a community with their due dates."""
    from assessments.reminders import reminders
    from assessments.workflow import get_community

    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        fail(f"--today: {today!r} is not a date (YYYY-MM-DD)")
    with opened_store(location) as store:
        _guard(get_community, store, community_id)
        ck = _guard(load_checklist, store, standard)
        items = reminders(store, ck, community_id, today=day)
    for r in items:
        due = r.due.isoformat() if r.due else "—"
        click.echo(f"{r.criterion.number:<6} {r.status_label:<6} due {due:<10}  every {r.criterion.recurrence_months} "
                   f"months  {r.criterion.name}")


@assessment.command("readiness")
@store_option
@click.option("--standard", default=DEFAULT_STANDARD, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def readiness_cmd(location: str | None, standard: str, as_json: bool) -> None:
    """Every community: latest score, open gaps, trained first responders against the target."""
    from assessments.readiness import readiness

    with opened_store(location) as store:
        rows = readiness(store, standard_id=standard)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        target = "—" if r.target is None else str(r.target)
        click.echo(f"{r.id:<32} {_fmt(r.score):>6}  {r.status_label:<10} gaps {_fmt(r.open_gaps):>3}  "
                   f"trained {r.trained}/{target}  {r.name}")


commands = [checklist, assessment]
