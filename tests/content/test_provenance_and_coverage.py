"""Provenance of the sources (`cem check` warnings, `cem stats --provenance`) and the coverage
report's first-responder groups and duties per phase (`cem stats --coverage`)."""

from __future__ import annotations

import json
import textwrap

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.content.loader import read_content
from kg.content.rules import provenance_kind, provenance_warnings
from kg.coverage import FIRST_RESPONDER_GROUPS, duties_per_phase, first_responder_coverage, source_provenance
from kg.store.embedded import EmbeddedStore

SOURCES = """\
label: Source
items:
  - id: src.official
    name: 官方来源
    issuer: 发布机关
    kind: law
    url: https://www.gov.cn/zhengce/example.htm
  - id: src.mirror
    name: 转载来源
    issuer: 发布机关
    kind: report
    url: https://mirror.example.com/copy.html
    mirror: true
  - id: src.none
    name: 无地址来源
    issuer: 发布机关
    kind: regulation
    identifier: 国务院令第1号
"""
HAZARDS = """\
label: Hazard
items:
  - id: hazard.family.t
    name: 测试类
    name_en: Test family
    category: natural
    level: family
    sources: [src.official, src.mirror, src.none]
"""


def write(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def test_check_warns_about_mirrors_and_missing_addresses_without_failing(tmp_path):
    root = write(tmp_path, **{"a_sources.yaml": SOURCES, "b_hazards.yaml": HAZARDS})
    result = CliRunner().invoke(main, ["check", "--path", str(root)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2
    assert "a_sources.yaml:8: mirror: source 'src.mirror' points at a mirror (https://mirror.example.com/copy.html)" in warnings[0]
    assert "a_sources.yaml:14: url: source 'src.none' has no address" in warnings[1]
    assert "2 warnings" in result.output and "ok: 2 files, 4 nodes" in result.output


def test_warnings_do_not_hide_problems(tmp_path):
    bad = HAZARDS.replace("    category: natural\n", "")
    result = CliRunner().invoke(main, ["check", "--path", str(write(tmp_path, **{"a_sources.yaml": SOURCES,
                                                                                  "b_hazards.yaml": bad}))])
    assert result.exit_code == 1
    assert "items[0].category: Field required" in result.output and "warning: " in result.output


def test_a_source_without_an_address_cannot_be_a_mirror(tmp_path):
    bad = SOURCES.replace("    identifier: 国务院令第1号\n", "    identifier: 国务院令第1号\n    mirror: true\n")
    content = read_content([write(tmp_path, **{"a_sources.yaml": bad, "b_hazards.yaml": HAZARDS})])
    assert any("a source without a url is not a mirror" in str(p) for p in content.problems)


@pytest.mark.parametrize("props, kind", [({"url": "https://www.npc.gov.cn/x"}, "official"),
                                         ({"url": "https://x.example/y", "mirror": True}, "mirror"),
                                         ({"identifier": "GB 1-2000"}, "none"), ({"url": None}, "none")])
def test_provenance_kind(props, kind):
    assert provenance_kind(props) == kind


def test_bundled_warnings_match_the_bundled_sources():
    content = read_content()
    sources = [n for n in content.nodes if n.label == "Source"]
    expected = sum(1 for s in sources if provenance_kind(s.properties) != "official")
    assert len(provenance_warnings(content)) == expected


def _fixture_store(store):
    store.upsert_nodes("Source", [{"id": "src.a", "properties": {"name": "甲", "url": "https://www.gov.cn/a"}},
                                  {"id": "src.b", "properties": {"name": "乙", "url": "https://copy.example/b",
                                                                 "mirror": True}},
                                  {"id": "src.c", "properties": {"name": "丙", "identifier": "X-1"}},
                                  {"id": "src.d", "properties": {"name": "丁", "identifier": "X-2"}}])
    store.upsert_nodes("Course", [
        {"id": "course.core", "properties": {"name": "核心", "name_en": "Core", "kind": "core",
                                             "audience": list(FIRST_RESPONDER_GROUPS)}},
        {"id": "course.track-drivers", "properties": {"name": "驾驶员", "name_en": "Drivers", "kind": "track",
                                                      "audience": ["交通运输行业驾驶人员", "码头作业人员"]}},
        {"id": "course.track-venues", "properties": {"name": "场馆", "name_en": "Venues", "kind": "track",
                                                     "audience": ["游泳场馆和浴场救生人员", "文娱场所安保人员 "]}},
        {"id": "course.no-audience", "properties": {"name": "旧课程", "name_en": "Old", "kind": "track"}}])
    store.upsert_nodes("Phase", [{"id": "phase.response", "properties": {"name": "应急响应", "name_en": "Response", "order": 3}},
                                 {"id": "phase.recovery", "properties": {"name": "善后恢复", "name_en": "Recovery", "order": 4}}])
    store.upsert_nodes("Duty", [{"id": f"duty.{i}", "properties": {"name": f"职责{i}"}} for i in range(5)])
    store.upsert_relationships([{"type": "IN_PHASE", "start": f"duty.{i}",
                                 "end": "phase.recovery" if i < 3 else "phase.response"} for i in range(5)])
    return store


def test_first_responder_groups_from_course_audience(store):
    groups, unknown = first_responder_coverage(_fixture_store(store))
    assert [g.group for g in groups] == list(FIRST_RESPONDER_GROUPS)
    by = {g.group: g for g in groups}
    assert by["交通运输行业驾驶人员"].tracks == ["course.track-drivers"] and by["交通运输行业驾驶人员"].covered
    assert by["游泳场馆和浴场救生人员"].covered
    # the core course names every group, but only a role track covers a group
    assert not by["导游"].covered and by["导游"].other_courses == ["course.core"]
    # a misspelt value (trailing space) reaches nobody and is reported
    assert not by["文娱场所安保人员"].covered
    assert unknown == [("course.track-venues", "文娱场所安保人员 ")]
    assert sum(g.covered for g in groups) == 3


def test_no_audience_anywhere_means_nothing_is_covered(store):
    store.upsert_nodes("Course", [{"id": "course.x", "properties": {"name": "课程", "name_en": "X", "kind": "track"}}])
    groups, unknown = first_responder_coverage(store)
    assert len(groups) == 12 and not any(g.covered for g in groups) and unknown == []


def test_duties_per_phase_and_provenance_shares(store):
    _fixture_store(store)
    assert [(p["phase"], p["duties"]) for p in duties_per_phase(store)] == [("phase.response", 2), ("phase.recovery", 3)]
    shares = source_provenance(store)
    assert {k: v["count"] for k, v in shares.items()} == {"official": 1, "mirror": 1, "none": 2}
    assert shares["none"]["share"] == 50.0 and shares["mirror"]["ids"] == ["src.b"]


def test_stats_cli_prints_groups_recovery_count_and_provenance(tmp_path):
    path = tmp_path / "fixture.kgl"
    store = EmbeddedStore(path)
    store.init_schema()
    _fixture_store(store)
    store.close()
    runner = CliRunner()
    out = runner.invoke(main, ["stats", "--store", str(path), "--coverage"])
    assert out.exit_code == 0, out.output
    assert "  交通运输行业驾驶人员: course.track-drivers" in out.output
    assert "  导游: not yet covered (also named by course.core)" in out.output
    assert "3 of 12 groups covered" in out.output and "recovery duties: 3 (minimum 35)" in out.output
    data = json.loads(runner.invoke(main, ["stats", "--store", str(path), "--coverage", "--json"]).output)
    assert data["recovery_duties"] == 3 and len(data["first_responder_groups"]) == 12
    out = runner.invoke(main, ["stats", "--store", str(path), "--provenance"])
    assert out.exit_code == 0, out.output
    assert "sources: 4" in out.output
    assert "mirror only" in out.output and "25.0 %" in out.output and "50.0 %" in out.output
    data = json.loads(runner.invoke(main, ["stats", "--store", str(path), "--provenance", "--json"]).output)
    assert data["official"]["ids"] == ["src.a"] and data["none"]["count"] == 2
    both = runner.invoke(main, ["stats", "--store", str(path), "--provenance", "--coverage"])
    assert both.exit_code == 1 and "choose one of --coverage and --provenance" in both.output
