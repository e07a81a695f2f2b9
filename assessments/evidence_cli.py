"""``cem assessment propose COMMUNITY [--json]``: every criterion's proposed answer from the
community's records, with its figures and the ids of the records behind it
(``assessments.evidence_rules``).  Added to the ``cem assessment`` group."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from assessments.checklist import DEFAULT_STANDARD
from assessments.cli import assessment
from kg.cli import fail, opened_store, store_option

STATE_TEXT = {"proposed": "proposed", "no_records": "no records yet"}


@assessment.command("propose")
@store_option
@click.argument("community_id")
@click.option("--standard", default=DEFAULT_STANDARD, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def propose_cmd(location: str | None, community_id: str, standard: str, as_json: bool) -> None:
    """Proposed answers of COMMUNITY's self-assessment, proved from its records."""
    from assessments.evidence_rules import propose

    with opened_store(location) as store:
        node = store.get_node(community_id)
        if node is None or node["label"] != "Community":
            fail(f"no community {community_id!r}")
        proposals = propose(store, community_id, now=datetime.now(UTC), standard=standard)
    if not proposals:
        fail(f"standard {standard!r} declares no evidence rule (or is not in the store)")
    if as_json:
        click.echo(json.dumps({"community": community_id, "standard": standard,
                               "proposals": [p.as_dict() for p in proposals]}, ensure_ascii=False, indent=2))
        return
    for p in proposals:
        answer = "—" if p.answer is None else p.raw_answer()
        click.echo(f"{p.number:<5} {p.rule:<30} {STATE_TEXT.get(p.state, p.state):<24} {answer}")
        for f in p.figures:
            value = f.value if isinstance(f.value, int | float) else str(f.value)
            click.echo(f"        {f.label}: {value}{f.unit if f.unit not in ('%',) else '%'}")
        if p.records:
            click.echo("        records: " + ", ".join(r.id for r in p.records))
        if p.note:
            click.echo(f"        note: {p.note}")


commands: list = []  # the command joins the existing ``cem assessment`` group
