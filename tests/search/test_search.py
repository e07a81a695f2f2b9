"""Hybrid search, filters, graph context, similar lessons and situations — on both stores."""

import json

import pytest
from click.testing import CliRunner

from kg.search.assist import ask, near_duplicates, similar_lessons
from kg.search.engine import Filters, SearchError, rrf
from kg.search.roles import group_of, role_choices


def test_rrf_weights_and_ties():
    fused = rrf({"dense": ["a", "b"], "keyword": ["b", "c"]}, {"dense": 1.0, "keyword": 0.5}, 10)
    assert [i for i, _ in fused] == ["b", "a", "c"]
    assert rrf({"dense": ["a"]}, {"dense": 0.0}, 10) == []


def test_chinese_query_finds_the_duty_that_answers_it(engine):
    for method in ("hybrid", "dense", "keyword"):
        hits = engine.search("暴雨天地下车库怎么组织转移", method=method, k=5).hits
        assert "duty.underground-space-flood-protection" in [h.id for h in hits[:3]], method
    top = engine.search("老旧小区燃气泄漏谁先处置", k=5).hits
    assert {"lesson.shiyan-no-cordon-evacuation", "duty.report-gas-leak"} <= {h.id for h in top}
    assert top[0].ranks and top[0].snippet


def test_filters_restrict_every_method(engine):
    for method in ("hybrid", "dense", "keyword"):
        hits = engine.search("暴雨", method=method, k=10,
                             filters=Filters(labels=["LessonLearned"], phase="应急响应")).hits
        assert hits and all(h.label == "LessonLearned" for h in hits)
        phases = {h.id: engine.store.run_read("search_filter_phase", phase="phase.response") for h in hits[:1]}
        assert hits[0].id in {r["id"] for r in next(iter(phases.values()))}
    by_year = engine.search("燃气爆炸", filters=Filters(year=2021), k=10).hits
    assert by_year and all(h.id.startswith(("lesson.shiyan", "incident.shiyan", "lesson.zhengzhou", "incident.zhengzhou",
                                            "lesson.baiyin", "incident.baiyin", "lesson.foshan", "incident.foshan",
                                            "lesson.texas", "incident.texas"))
                           for h in by_year)
    gas = engine.search("事故报告", filters=Filters(hazard="燃气事故", labels=["Duty"]), k=10).hits
    assert gas and "duty.report-gas-leak" in [h.id for h in gas]
    grid = engine.search("巡查", filters=Filters(organization="网格员", labels=["Duty"]), k=10).hits
    assert grid[0].id == "duty.grid-daily-patrol-report"
    assert engine.search("巡查", filters=Filters(organization="org.grid-worker", year=1990)).hits == []
    with pytest.raises(SearchError, match="未知阶段"):
        engine.search("暴雨", filters=Filters(phase="没有这个阶段"))
    with pytest.raises(SearchError, match="检索内容为空"):
        engine.search("  ")


def test_hits_carry_their_graph_context(engine):
    hits = engine.search("接到燃气泄漏报警后未设警戒", k=3, context=True,
                         filters=Filters(labels=["LessonLearned"])).hits
    ctx = hits[0].context
    assert hits[0].id == "lesson.shiyan-no-cordon-evacuation"
    assert ctx["incident"]["id"] == "incident.shiyan-gas-explosion-2021" and ctx["recommendation"]
    assert "org.gas-operator" in [o["id"] for o in ctx["act"]]
    assert ctx["duties"][0]["named"] and "plan.gas" in [p["id"] for p in ctx["plans"]]
    duty = engine.search("发现燃气泄漏立即报告燃气企业", k=1, context=True, filters=Filters(labels=["Duty"])).hits[0]
    assert duty.id == "duty.report-gas-leak"
    assert "org.grid-worker" in [o["id"] for o in duty.context["holders"]]
    assert duty.context["phases"][0]["id"] == "phase.response" and duty.context["hazards"]


def test_similar_lessons_and_near_duplicates(engine):
    similar = similar_lessons(engine, "lesson.shiyan-no-cordon-evacuation", k=3)
    assert len(similar) == 3 and "lesson.shiyan-no-cordon-evacuation" not in [s.id for s in similar]
    node = engine.store.get_node("lesson.shiyan-no-cordon-evacuation")["properties"]
    reworded = {"name": "燃气泄漏报警后没有拉警戒线也没疏散群众", "observation": node["observation"],
                "lesson": "接报后应先关阀、设警戒、疏散。", "recommendation": node["recommendation"]}
    dupes = near_duplicates(engine, reworded)
    assert dupes and dupes[0].id == "lesson.shiyan-no-cordon-evacuation"
    fresh = {"name": "社区运动会中暑", "observation": "夏季社区运动会午后进行，多名老人出现头晕。",
             "lesson": "高温时段不宜组织户外活动。", "recommendation": "居委会把活动安排在早晚并准备防暑物品。"}
    assert near_duplicates(engine, fresh) == []


def _addressed(engine, duty_ids):
    return {d: set(engine.hazards_of([d]).get(d, ())) for d in duty_ids}


def test_ask_about_a_situation(engine):
    answer = ask(engine, "夜里小区地下车库开始进水，物业人手不够，我们该做什么", role="物业服务企业", k=3)
    assert answer["role"] == "org.property-company"
    assert "duty.underground-space-flood-protection" in [d["id"] for d in answer["duties"]]
    holders = [o["id"] for d in answer["duties"] for o in d["context"]["holders"]]
    assert holders.count("org.property-company") == len(answer["duties"])
    assert answer["lessons"] and all(lesson["label"] == "LessonLearned" for lesson in answer["lessons"])
    assert "plan.flood-waterlogging" in [p["id"] for p in answer["plans"]]


def test_a_situation_s_duties_and_plans_follow_from_its_lessons_hazards(engine):
    """The flooded-garage scenario got gas-leak and geohazard duties and 交通事故 / 特种设备事故 as
    hazards from a separate loose match (issue 17): now every duty addresses, and every plan
    covers, a hazard the top lessons are about."""
    scenario = "夜里小区地下车库开始进水，水已经没过车轮，还有车主想下去挪车"
    answer = ask(engine, scenario, k=5)
    hazards = {h["id"] for h in answer["hazards"]}
    assert "hazard.underground-flooding" in hazards
    assert not hazards & {"hazard.family.traffic", "hazard.family.special-equipment", "hazard.gas-leak",
                          "hazard.landslide", "hazard.family.geological"}
    lesson_hazards = {h for lesson in answer["lessons"] for h in engine.hazards_of([lesson["id"]]).get(lesson["id"], ())}
    assert hazards <= lesson_hazards
    assert answer["duties"] and all(addressed & hazards for addressed in _addressed(engine, [d["id"] for d in answer["duties"]]).values())
    assert not {"duty.report-gas-leak", "duty.geohazard-evacuation", "duty.report-geohazard-sign"} & {d["id"] for d in answer["duties"]}
    for plan in answer["plans"]:
        assert engine.hazards_of([plan["id"]])[plan["id"]] & hazards
    # the gas-leak situation: its first lesson is the one plain search ranks first
    gas = "老旧小区楼道里闻到很重的燃气味，有居民说可能是管道漏气"
    first = next(h.id for h in engine.search(gas, k=20).hits if h.label == "LessonLearned")
    answer = ask(engine, gas, k=5)
    assert answer["lessons"][0]["id"] == first
    assert "hazard.gas-leak" in {h["id"] for h in answer["hazards"]}
    assert "duty.report-gas-leak" in {d["id"] for d in answer["duties"]}
    assert not {d["id"] for d in answer["duties"]} & {"duty.underground-space-flood-protection", "duty.geohazard-evacuation"}


def test_the_role_list_is_grouped_with_a_default(indexed_store):
    choices = role_choices(indexed_store, roles=["community"])
    groups = {g["key"]: [o["id"] for o in g["options"]] for g in choices["groups"]}
    assert list(groups) == ["community", "town", "units", "responders", "county"]
    assert "org.grid-worker" in groups["community"] and "org.town-emergency-office" in groups["town"]
    assert "org.property-company" in groups["units"] and "org.micro-fire-station" in groups["responders"]
    assert "org.county-emergency-bureau" in groups["county"]
    every = [i for ids in groups.values() for i in ids]
    assert len(every) == len(set(every)) == len(indexed_store.nodes_by_label("Organization", limit=500))
    assert choices["default"] in groups["community"]
    assert role_choices(indexed_store, roles=["reviewer"])["default"] in groups["town"]
    assert role_choices(indexed_store, roles=["trainee"])["default"] is None
    indexed_store.upsert_nodes("User", [{"id": "user.wang", "properties": {"username": "wang", "active": True,
                                                                          "created_at": "2026-01-01T00:00:00Z"}}])
    indexed_store.upsert_relationships([{"type": "MEMBER_OF", "start": "user.wang", "end": "org.property-company"}])
    assert role_choices(indexed_store, "user.wang", ["community"])["default"] == "org.property-company"
    assert group_of("team", "community") == "responders" and group_of("body", "county") == "county"


def test_cli_search_json_matches_the_engine(indexed_store, engine, store_kind, search_env):
    from kg.cli import main
    from tests.conftest import neo4j_env

    expected = engine.search("电动车在楼道里充电引发火灾", k=5, context=True).as_dict()
    env = dict(neo4j_env() if store_kind == "neo4j" else {}, **search_env)
    if store_kind == "embedded":  # one writer per file: the CLI opens the indexed store itself
        env["CEM_STORE"] = indexed_store.location
        indexed_store.close()
    result = CliRunner().invoke(main, ["search", "电动车在楼道里充电引发火灾", "--json", "--limit", "5"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output[result.output.index("{"):])
    assert [h["id"] for h in out["hits"]] == [h["id"] for h in expected["hits"]]
    assert out["hits"][0]["context"] == expected["hits"][0]["context"]
    bad = CliRunner().invoke(main, ["search", "暴雨", "--phase", "nope", "--method", "keyword"], env=env)
    assert bad.exit_code == 1 and "error: unknown phase 'nope'" in bad.output


def test_cli_ask(indexed_store, store_kind, search_env):
    from kg.cli import main
    from tests.conftest import neo4j_env

    env = dict(neo4j_env() if store_kind == "neo4j" else {}, **search_env)
    if store_kind == "embedded":
        env["CEM_STORE"] = indexed_store.location
        indexed_store.close()
    result = CliRunner().invoke(main, ["ask", "夜里小区地下车库开始进水", "--role", "物业服务企业", "--json"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output[result.output.index("{"):])
    assert "duty.underground-space-flood-protection" in [d["id"] for d in answer["duties"]]
    bad = CliRunner().invoke(main, ["ask", "进水", "--role", "没有这个角色"], env=env)
    assert bad.exit_code == 1 and "error: unknown organization" in bad.output


def test_similar_lessons_never_wait_for_a_model_that_is_still_loading(engine, monkeypatch):
    """A lesson without a stored vector while the server loads the model in the background: the
    lesson page gets EmbedderLoading at once (and shows no similar lessons) instead of waiting."""
    import pytest

    from kg.search import embedder as embedder_module

    lesson = "lesson.shiyan-no-cordon-evacuation"
    monkeypatch.setattr(embedder_module, "embedder_loading", lambda name=None: True)
    monkeypatch.setattr(engine.store, "node_vectors", lambda ids: {})
    with pytest.raises(embedder_module.EmbedderLoading):
        similar_lessons(engine, lesson, k=3)
    monkeypatch.setattr(embedder_module, "embedder_loading", lambda name=None: False)
    assert similar_lessons(engine, lesson, k=3)  # computed from the text once the model is there
