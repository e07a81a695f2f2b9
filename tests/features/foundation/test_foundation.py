"""Binds the foundation features."""

from __future__ import annotations

import io

from click.testing import CliRunner
from pytest_bdd import given, parsers, scenario, then, when

from kg.cli import main
from kg.exchange import export_graph


# Bound one by one so that each journey runs on both stores (the `store_kind` parameter).
@scenario("load_and_browse.feature", "Loading the bundled content twice leaves the graph unchanged")
def test_load_twice(store_kind):
    pass


@scenario("load_and_browse.feature", "The home page shows what the graph holds")
def test_home_page(store_kind):
    pass


@given("an empty graph store", target_fixture="journey")
def empty_store(store_env):
    return {"env": store_env, "runs": [], "exports": []}


@when(parsers.re(r'I run "cem load"( again)?'))
def run_load(journey, store_env):
    result = CliRunner().invoke(main, ["load"], env=store_env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    journey["runs"].append(result.output.strip().splitlines()[-1])
    from kg.settings import load_settings
    from kg.store import open_store

    with open_store(load_settings(store_env)) as s:
        buffer = io.StringIO()
        export_graph(s, buffer)
        journey["exports"].append(buffer.getvalue())
        journey["counts"] = s.counts()


@then("the second load reports the same counts as the first")
def same_counts(journey):
    assert len(journey["runs"]) == 2 and journey["runs"][0] == journey["runs"][1]
    assert journey["runs"][0].startswith("loaded ")


@then("the two exports are byte-identical")
def identical_exports(journey):
    assert journey["exports"][0] == journey["exports"][1] and journey["exports"][0]


@when("I open the home page", target_fixture="page")
def open_home(journey, store_env):
    from kg.settings import load_settings
    from kg.store import open_store
    from tests.web.platform_fixtures import make_app

    s = open_store(load_settings(store_env))
    try:
        response = make_app(s).test_client().get("/")
        return {"status": response.status_code, "html": response.get_data(as_text=True)}
    finally:
        s.close()


@then("I see a count for every label of curated knowledge in the bundled content")
def every_label(page, journey):
    from kg.access import KNOWLEDGE, rule_for
    from kg.schema import load_schema

    assert page["status"] == 200
    knowledge = {label: n for label, n in journey["counts"]["labels"].items() if rule_for(label) is KNOWLEDGE}
    assert knowledge
    for label, n in knowledge.items():
        assert f"{load_schema().label_name(label, 'zh')} <span class=\"num\">{n}</span>" in page["html"], label
