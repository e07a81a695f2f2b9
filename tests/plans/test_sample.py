"""`cem sample load` gives the sample community a plan in force, two reviewed drills, survey answers
and self-assessments at both review levels; loading again changes nothing; `cem sample remove`
takes all of it out — on both stores."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import main

KEY = "a2FrYWtha2FrYWtha2FrYWtha2FrYWtha2FrYWtha2E="
MINE = ("CommunityPlan", "PlanVersion", "Drill", "AfterActionReview", "DrillFinding", "Survey", "SurveyResponse",
        "Assessment", "Answer", "Review")


def cem(env, *args):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def counts(env) -> dict:
    code, out = cem(env, "stats", "--json")
    assert code == 0, out
    return json.loads(out)["labels"]


def test_the_sample_community_s_plan_drills_survey_and_assessments(store_env, vector_cache):
    env = dict(store_env, CEM_PERSONAL_DATA_KEY=KEY, CEM_EMBEDDING_CACHE=str(vector_cache.path))
    assert cem(env, "load")[0] == 0
    bundled = counts(env)
    code, out = cem(env, "sample", "load")
    assert code == 0, out
    assert "4 versions, one in force" in out and "2 reviewed drills" in out and "64 survey answer sheets" in out
    first = counts(env)
    assert (first["PlanVersion"], first["Drill"], first["AfterActionReview"], first["SurveyResponse"],
            first["Assessment"]) == (4, 2, 2, 64, 2)
    assert first["LessonLearned"] == bundled["LessonLearned"] + 2
    assert first["CorrectiveAction"] == bundled.get("CorrectiveAction", 0) + 2
    from kg.settings import load_settings
    from kg.store import open_store

    with open_store(load_settings(env)) as store:
        from assessments import workflow as wf
        from kg.drills import drills as dr
        from kg.plans import service as ps

        statuses = sorted(r.status for r in wf.list_assessments(store, None, community_id="community.demo"))
        assert statuses == ["signed_off", "street_approved"]
        assert ps.in_force(store, "community.demo").meta.number == 4
        assert [f["id"] for f in dr.repeated_findings(store, "community.demo")]  # the second drill repeats the first
        versions = ps.versions(store, ps.get_plan(store, "community.demo"))
        assert sum(1 for v in versions if v.revised_after) == 2
        # the review pages name the sample's people (not their account ids); nobody can sign in as them
        record = next(r for r in wf.list_assessments(store, None, community_id="community.demo")
                      if r.status == "street_approved")
        people = ["user.sample-editor", "user.sample-street-reviewer", "user.sample-county-reviewer"]
        assert wf.user_names(store, people) == {"user.sample-editor": "示例社区填报人（虚构）",
                                                 "user.sample-street-reviewer": "示例街道审核人（虚构）",
                                                 "user.sample-county-reviewer": "示例县级审核人（虚构）"}
        assert record.modified_by in people
        from kg import accounts

        assert [accounts.get_user(store, p.removeprefix("user.")).active for p in people] == [False] * 3
    code, out = cem(env, "assessment", "propose", "community.demo", "--json")
    proposals = {p["number"]: p for p in json.loads(out)["proposals"]}
    assert proposals["4.2"]["answer"] == "met" and proposals["3.1"]["answer"] == "met"
    assert proposals["5.3"]["state"] == "proposed" and proposals["1.3b"]["state"] == "proposed"
    assert cem(env, "sample", "load")[0] == 0
    assert counts(env) == first  # loading again replaces, adds nothing
    code, out = cem(env, "sample", "remove")
    assert code == 0, out
    after = counts(env)
    assert not any(after.get(label) for label in MINE)
    assert after["LessonLearned"] == bundled["LessonLearned"] and after["Organization"] == bundled["Organization"]
    assert after.get("User", 0) == bundled.get("User", 0)
