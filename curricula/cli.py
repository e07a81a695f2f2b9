"""Training commands for ``cem``: ``cem course list``, ``cem course check``, ``cem course
analytics-reset``, ``cem certificates expiring --days N``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

store_option = click.option("--store", "location", envvar="CEM_STORE", default=None,
                            help="Embedded store file or neo4j:// / bolt:// URI (default: CEM_STORE).")


def _opened(location):
    from kg.cli import opened_store

    return opened_store(location)


def _fail(message: str):
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(name="course")
def course_group() -> None:
    """Training courses and their question bank."""


@course_group.command(name="list")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def course_list(location: str | None, as_json: bool) -> None:
    """The courses in the store, with modules, units, questions and quizzes."""
    from curricula.bank import Catalog, bank_report

    with _opened(location) as store:
        report = bank_report(Catalog.from_store(store))
    rows = [{"id": c["id"], "name": c["name"], "kind": c["kind"], "modules": len(c["modules"]),
             "units": sum(m["units"] for m in c["modules"]), "questions": c["questions"],
             "final": c["final"], "refresher": c["refresher"]} for c in report.courses]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no courses in the store (run `cem load`)")
        return
    click.echo(f"{'course':<36}{'kind':<10}{'modules':>8}{'units':>7}{'questions':>10}  final exam")
    for r in rows:
        click.echo(f"{r['id']:<36}{r['kind'] or '':<10}{r['modules']:>8}{r['units']:>7}{r['questions']:>10}  "
                   f"{r['final'] or '-'}   {r['name']}")


@course_group.command(name="check")
@click.option("--path", "paths", multiple=True, type=click.Path(exists=True),
              help="Check these content files or folders instead of the bundled content.")
@click.option("--from-store", is_flag=True, help="Check the bank loaded in the store instead of the content files.")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def course_check(paths: tuple[str, ...], from_store: bool, location: str | None, as_json: bool) -> None:
    """Bank report: items per course, module, objective and kind, the spread of correct option
    positions, and the bank rules; exits 1 on a rule violation."""
    from curricula.bank import Catalog, bank_report

    if from_store:
        with _opened(location) as store:
            catalog = Catalog.from_store(store)
    else:
        from kg.content.loader import read_content

        content = read_content([Path(p) for p in paths] if paths else None)
        if not content.ok:
            for problem in content.problems[:50]:
                click.echo(str(problem), err=True)
            _fail(f"{len(content.problems)} problems in the content; run `cem check`")
        catalog = Catalog.from_content(content)
    report = bank_report(catalog)
    if as_json:
        click.echo(json.dumps({"courses": report.courses, "kinds": dict(report.kinds),
                               "positions": {k: {str(p + 1): n for p, n in sorted(v.items())}
                                             for k, v in report.positions.items()},
                               "banks": report.banks,
                               "violations": report.violations, "warnings": report.warnings},
                              ensure_ascii=False, indent=2, default=dict))
    else:
        _print_report(report)
    if report.violations:
        _fail(f"{len(report.violations)} bank rule violations")


def _print_report(report) -> None:
    for c in report.courses:
        click.echo(f"{c['id']}  {c['name']}  ({c['kind']}; final exam: {c['final'] or '-'}, "
                   f"refresher: {c['refresher'] or '-'}; {c['questions']} items)")
        if c.get("audience"):
            click.echo(f"  for: {'、'.join(c['audience'])}")
        for m in c["modules"]:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(m["kinds"].items())) or "no items"
            click.echo(f"  {m['id']:<34} {m['units']:>2} units  {m['questions']:>3} items ({kinds})  "
                       f"check: {m['knowledge_check'] or '-'}")
            for o in m["objectives"]:
                okinds = ", ".join(f"{k} {n}" for k, n in sorted(o["kinds"].items()))
                click.echo(f"    {o['id']:<40} {o['questions']:>3}  {okinds}")
    click.echo("items per kind: " + (", ".join(f"{k} {n}" for k, n in sorted(report.kinds.items())) or "none"))
    click.echo("correct option positions (authoring order; options are shuffled when shown):")
    for kind, counter in sorted(report.positions.items()):
        total = sum(counter.values()) or 1
        spread = "  ".join(f"{p + 1}: {n} ({n / total:.0%})" for p, n in sorted(counter.items()))
        click.echo(f"  {kind:<11} {spread}")
    _print_bank_figures(report.banks)
    for w in report.warnings:
        click.echo(f"warning: {w}")
    for v in report.violations:
        click.echo(f"violation: {v}")
    if not report.violations:
        click.echo(f"ok: {len(report.courses)} courses, {sum(report.kinds.values())} items, "
                   f"{len(report.warnings)} warnings")


def _print_bank_figures(banks: list[dict]) -> None:
    from curricula.bank import KEY_LONGEST_MAX_SHARE, OPTION_LENGTH_MAX_RATIO

    click.echo(f"item-writing figures per bank (key uniquely longest in at most {KEY_LONGEST_MAX_SHARE:.0%} of "
               f"single-answer items; longest option at most {OPTION_LENGTH_MAX_RATIO:g}x the shortest unless "
               f"declared; negative words emphasised):")
    click.echo(f"  {'bank':<30}{'single':>7}{'key longest':>15}{'ratio max':>11}{'median':>8}"
               f"{'>limit':>8}{'declared':>10}{'negative stems':>16}")
    for b in banks:
        click.echo(f"  {b['id']:<30}{b['single_answer_items']:>7}"
                   f"{b['key_longest']:>7} ({b['key_longest_share']:>4.0%})"
                   f"{b['option_ratio_max']:>11.2f}{b['option_ratio_median']:>8.2f}"
                   f"{b['option_ratio_over_limit']:>8}{b['option_ratio_excused']:>10}{b['negative_stems']:>16}")
    if banks:
        single = sum(b["single_answer_items"] for b in banks)
        longest = sum(b["key_longest"] for b in banks)
        share = longest / single if single else 0.0
        click.echo(f"  {'all banks':<30}{single:>7}{longest:>7} ({share:>4.0%})"
                   f"{max(b['option_ratio_max'] for b in banks):>11.2f}{'':>8}"
                   f"{sum(b['option_ratio_over_limit'] for b in banks):>8}"
                   f"{sum(b['option_ratio_excused'] for b in banks):>10}"
                   f"{sum(b['negative_stems'] for b in banks):>16}")


KINDS = ("single", "multiple", "true_false", "scenario")


def _moment(text: str):
    """A date (the start of that day in CEM_TIMEZONE) or an ISO time (no zone: CEM_TIMEZONE)."""
    from datetime import datetime

    from kg.settings import get_settings

    zone = get_settings().zone
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        _fail(f"--before: {text!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)")
    return when if when.tzinfo else when.replace(tzinfo=zone)


@course_group.command(name="analytics-reset")
@store_option
@click.option("--kind", required=True, type=click.Choice(KINDS), help="Question kind whose answers are left out.")
@click.option("--before", "before", required=True,
              help="Attempts started before this date (YYYY-MM-DD, the start of the day in CEM_TIMEZONE) or time.")
@click.option("--reason", default="", help="Why (kept on each attempt and in the audit log).")
@click.option("--restore", is_flag=True, help="Bring back what an earlier reset left out.")
@click.option("--dry-run", is_flag=True, help="Count what would change; change nothing.")
def course_analytics_reset(location: str | None, kind: str, before: str, reason: str, restore: bool,
                           dry_run: bool) -> None:
    """Leave answers that say nothing about an item out of item analysis: every question of KIND
    in submitted quiz attempts started before --before.  Use it for the multiple-select items
    answered before the browser fix (every checkbox was required, so a trainee had to tick them
    all): `cem course analytics-reset --kind multiple --before <the day the fix was deployed>`.
    Non-destructive and audited: answers, scores, results and certificates stay as they are; each
    attempt records what is left out, why and when; --restore brings them back."""
    from curricula.analytics import exclude_from_analysis
    from curricula.clock import SystemClock

    when = _moment(before)
    reason = reason.strip()[:300] or f"{kind} items answered before {before}"
    with _opened(location) as store:
        done = exclude_from_analysis(store, kind=kind, before=when, reason=reason, now=SystemClock().now(),
                                     restore=restore, dry_run=dry_run)
        if not dry_run and done.answers:
            from kg.audit import record_event

            record_event(store, "cli", "training.analytics_restore" if restore else "training.analytics_reset",
                         kind, f"before={when.isoformat()} attempts={done.attempts} answers={done.answers} "
                         f"questions={len(done.questions)} reason={reason}", remote="cli")
    verb = ("would bring back" if restore else "would leave out") if dry_run else \
        ("brought back" if restore else "left out")
    click.echo(f"{verb} {done.answers} {_plural(done.answers, 'answer', 'answers')} to "
               f"{len(done.questions)} {kind} {_plural(len(done.questions), 'question', 'questions')} in "
               f"{done.attempts} {_plural(done.attempts, 'attempt', 'attempts')} started before {when.isoformat()}"
               f"{'' if dry_run else ' (scores, results and certificates unchanged)'}")


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


@click.group(name="certificates")
def certificates_group() -> None:
    """Training certificates."""


@certificates_group.command(name="expiring")
@store_option
@click.option("--days", default=90, show_default=True, type=click.IntRange(0, 3650),
              help="Certificates expiring within this many days.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def certificates_expiring(location: str | None, days: int, as_json: bool) -> None:
    """Current certificates that expire within N days (holder, course, code, expiry)."""
    from curricula.certificates import expiring
    from curricula.clock import SystemClock, iso

    now = SystemClock().now()
    with _opened(location) as store:
        rows = expiring(store, now=now, days=days)
    if as_json:
        click.echo(json.dumps([{"holder": r["holder"], "username": r["username"], "course": r["certificate"].course,
                                "course_name": r["course_name"], "code": r["certificate"].code,
                                "expires_at": iso(r["certificate"].expires_at), "days_left": r["days_left"],
                                "organization": r["organization"], "community": r["community"]} for r in rows],
                              ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"no certificates expire within {days} {_plural(days, 'day', 'days')}")
        return
    for r in rows:
        cert = r["certificate"]
        click.echo(f"{cert.expires_at:%Y-%m-%d}  {r['days_left']:>4} {_plural(r['days_left'], 'day ', 'days')}  {cert.code}  {r['holder']} "
                   f"({r['username'] or cert.user})  {r['course_name']}")
    click.echo(f"{len(rows)} {_plural(len(rows), 'certificate expires', 'certificates expire')} within "
               f"{days} {_plural(days, 'day', 'days')}")


commands = [course_group, certificates_group]
