"""Gate conditions whose wording could not be checked against the official 2020 text: marked
`unverified` in the data, exposed by the checklist engine and said on the assessment pages."""

from __future__ import annotations

import re
import textwrap

import pytest

from assessments.checklist import checklist_from_content, load_checklist
from kg.content.loader import read_content
from tests.assessment.helpers import bundled_content
from tests.assessment.web_fixtures import make_app, page, seed, signed_in, token_and_version

GATES = ("crit.dc2020.g1", "crit.dc2020.g2", "crit.dc2020.g3")


def test_the_2011_gate_conditions_are_marked_unverified_with_the_addresses_tried():
    checklist = checklist_from_content(bundled_content())
    assert {c.id for c in checklist.unverified} == set(GATES)
    for c in checklist.gates:
        assert c.unverified and c.source_gap and "2020" in c.source_gap
        assert any(re.match(r"https?://", s) for s in c.sources_tried), c.id
    assert checklist.total_points == 100  # no criterion added without a source: the total is unchanged
    assert all(not c.unverified for c in checklist.scored)
    assert checklist.by_id["crit.dc2020.g1"].as_dict()["unverified"] is True
    assert "unverified" not in checklist.by_id["crit.dc2020.1-1"].as_dict()


CRITERION = """\
label: Criterion
items:
  - id: crit.t.g1
    name: 测试基本条件
    number: G1
    standard: standard.t
    element: 0 基本条件
    requirement: 要求
    verification: 查阅
    points: 0
    gate: true
    scoring: binary
    provenance: derived
    sources: [src.t]
"""


@pytest.mark.parametrize("extra, message", [
    ("    unverified: true\n    source_gap: 缺原文\n", "lists the addresses tried"),
    ("    unverified: true\n    sources_tried: [https://x.example/a]\n", "lists the addresses tried"),
    ("    sources_tried: [https://x.example/a]\n", "belongs to an unverified criterion"),
])
def test_unverified_needs_the_addresses_tried_and_the_gap(tmp_path, extra, message):
    (tmp_path / "c.yaml").write_text(textwrap.dedent(CRITERION) + extra, encoding="utf-8")
    content = read_content([tmp_path])
    assert any(message in str(p) for p in content.problems), [str(p) for p in content.problems]


def test_the_engine_reads_unverified_from_the_store(store):
    seed(store)
    checklist = load_checklist(store)
    g1 = checklist.by_id["crit.dc2020.g1"]
    assert g1.unverified and len(g1.sources_tried) >= 5 and not checklist.by_id["crit.dc2020.1-1"].unverified


def test_the_pages_say_which_gate_conditions_are_unverified(store, tmp_path):
    seed(store)
    app = make_app(store, data_dir=str(tmp_path))
    c = signed_in(app, "comm-a")
    token, _ = token_and_version(c, "/assessment/community/community.a")
    r = c.post("/assessment/community/community.a/open",
               data={"csrf_token": token, "standard": "standard.demo-community-2020"})
    assert r.status_code == 302
    aid = r.headers["Location"].rsplit("/", 1)[-1]
    _, html = page(c, f"/assessment/{aid}/result")
    assert html.count("（条文待核实）") == 3 and "判定结论仅供参考" in html
    _, form = page(c, f"/assessment/{aid}?s=0")
    assert form.count("条文待核实：本条取自早期标准文本") == 3
    _, english = page(c, f"/assessment/{aid}/result?lang=en")
    assert english.count("wording not yet verified") == 4  # three marks and the note above the table
