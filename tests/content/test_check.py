"""`cem check`: every kind of content problem is reported with its file, line and field."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from kg.cli import main
from kg.content.loader import read_content

SOURCE = """\
label: Source
items:
  - id: src.t
    name: 测试来源
    issuer: 测试机构
    kind: report
    identifier: T-1
"""

HAZARDS = """\
label: Hazard
items:
  - id: hazard.family.t
    name: 测试类
    name_en: Test family
    category: natural
    level: family
    sources: [src.t]
  - id: hazard.t
    name: 测试灾害
    name_en: Test hazard
    category: natural
    sources: [{id: src.t, locator: 第1节}]
    links:
      - {type: SUBTYPE_OF, to: hazard.family.t}
"""


def write(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def run_check(path):
    result = CliRunner().invoke(main, ["check", "--path", str(path)])
    return result.exit_code, result.output


def test_valid_content_passes(tmp_path):
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": HAZARDS}))
    assert code == 0, out
    assert "ok: 2 files, 3 nodes, 3 relationships, 0 problems" in out


def test_malformed_yaml_names_file_and_line(tmp_path):
    bad = HAZARDS.replace("    name_en: Test hazard\n", "    name_en: [unclosed\n")
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": bad}))
    assert code == 1
    assert "b_hazards.yaml:" in out and "(yaml): malformed YAML" in out
    line = int(out.split("b_hazards.yaml:")[1].split(":")[0])
    assert line in (12, 13)


def test_missing_required_field_names_line_and_field(tmp_path):
    bad = HAZARDS.replace("    category: natural\n    sources: [{id", "    sources: [{id")
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": bad}))
    assert code == 1
    assert "b_hazards.yaml:9: items[1].category: Field required" in out


def test_unknown_relationship_target_names_line(tmp_path):
    bad = HAZARDS.replace("to: hazard.family.t}", "to: hazard.family.nope}")
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": bad}))
    assert code == 1
    assert "b_hazards.yaml:15: items[1].links[0]: unknown id 'hazard.family.nope'" in out


def test_unknown_source_names_line(tmp_path):
    bad = HAZARDS.replace("sources: [src.t]", "sources: [src.missing]")
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": bad}))
    assert code == 1
    assert "b_hazards.yaml:8: items[0].sources[0]: unknown source 'src.missing'" in out


def test_duplicate_id_names_both_places(tmp_path):
    dup = HAZARDS + "  - id: hazard.t\n    name: 另一个\n    name_en: Other\n    category: natural\n    sources: [src.t]\n"
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": dup}))
    assert code == 1
    assert "b_hazards.yaml:16: items[2].id: duplicate id 'hazard.t' (first defined at " in out
    assert "b_hazards.yaml:9)" in out


def test_relationship_not_allowed_by_schema(tmp_path):
    bad = HAZARDS.replace("{type: SUBTYPE_OF, to: hazard.family.t}", "{type: HAS_DUTY, to: hazard.family.t}")
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "b_hazards.yaml": bad}))
    assert code == 1
    assert "b_hazards.yaml:15: items[1].links[0]: relationship HAS_DUTY is not allowed from Hazard to Hazard" in out


def test_quality_rules_orphans_and_near_duplicates(tmp_path):
    extra = HAZARDS + ("  - id: hazard.t2\n    name: 测试 灾害\n    name_en: Dup\n    category: natural\n"
                       "    sources: [src.t]\n")
    unused = SOURCE + "  - id: src.unused\n    name: 未用\n    issuer: 某\n    kind: web\n    url: https://example.org/x\n"
    content = read_content([write(tmp_path, **{"a_sources.yaml": unused, "b_hazards.yaml": extra})])
    messages = [str(p) for p in content.problems]
    assert any("orphan node 'src.unused'" in m for m in messages)
    assert any("near-duplicate Hazard name '测试 灾害'" in m for m in messages)
    assert any(":16: links: a hazard belongs to a hazard family" in m for m in messages)


def test_question_rules(tmp_path):
    question = """\
    label: Question
    items:
      - id: q.t1
        name: 发现燃气泄漏时首先应当怎么做？
        kind: single
        options: [开窗通风并撤离, 打开排风扇, 以上都是, 拨打电话报警]
        answer: [0]
        explanation: 说明
        sources: [src.t]
    """
    code, out = run_check(write(tmp_path, **{"a_sources.yaml": SOURCE, "q.yaml": question}))
    assert code == 1
    assert "q.yaml:3: items[0]: Value error, options may not use '以上都是'" in out


def test_bundled_content_is_valid():
    content = read_content()
    assert content.ok, "\n".join(map(str, content.problems[:20]))
    assert content.nodes and content.relationships
