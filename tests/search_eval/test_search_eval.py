"""`cem search-eval` on the development set: the targets with the default offline model."""

import json

from click.testing import CliRunner

from kg.cli import main
from kg.search.evaluate import DEV_QUERIES, load_queries


def run_eval(env, *args):
    result = CliRunner().invoke(main, ["search-eval", "--json", *args], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])


def print_table(report, title):
    print(f"\n{title} ({report['store']}, {report['model']})")
    for method, by_lang in report["results"].items():
        for lang, s in by_lang.items():
            print(f"  {method:<8} {lang:<4} n={s['n']:>3}  nDCG@10 {s['ndcg@10']:.3f}  MRR {s['mrr']:.3f}  R@5 {s['r@5']:.3f}")


def test_development_set_is_big_enough_and_well_formed():
    queries = load_queries(DEV_QUERIES)
    langs = [q.lang for q in queries]
    assert langs.count("zh") >= 60 and langs.count("en") >= 15
    assert len({q.qid for q in queries}) == len(queries)
    assert all(2 in q.relevant.values() for q in queries)


def test_targets_on_the_embedded_store(search_env):
    report = run_eval(search_env)
    print_table(report, "search-eval, development set")
    r = report["results"]
    assert r["hybrid"]["zh"]["ndcg@10"] >= 0.80 and r["hybrid"]["zh"]["mrr"] >= 0.85
    for lang in ("zh", "en"):
        for metric in ("ndcg@10", "mrr"):
            best_single = max(r["dense"][lang][metric], r["keyword"][lang][metric])
            assert r["hybrid"][lang][metric] >= best_single - 1e-9, (lang, metric)


def test_an_export_and_a_query_file(search_env, tmp_path, bundled_content, embedder, vector_cache):
    from kg.exchange import export_graph
    from kg.store.embedded import EmbeddedStore
    from tests.search.fixtures import load_and_index

    with EmbeddedStore(tmp_path / "src.kgl") as store:
        load_and_index(store, bundled_content, embedder, vector_cache)
        with open(tmp_path / "corpus.jsonl", "w", encoding="utf-8") as out:
            export_graph(store, out)
    (tmp_path / "q.jsonl").write_text(
        '{"qid": "a", "lang": "zh", "query": "餐馆必须安装燃气报警器", "relevant": {"duty.catering-gas-alarm": 2}}\n'
        '{"qid": "b", "lang": "en", "query": "gas alarm in restaurants", "relevant": {"duty.catering-gas-alarm": 2, "facility.gas-alarm": 1}}\n',
        encoding="utf-8")
    report = run_eval(search_env, "--corpus", str(tmp_path / "corpus.jsonl"), "--queries", str(tmp_path / "q.jsonl"))
    assert report["results"]["hybrid"]["all"]["n"] == 2
    assert report["results"]["hybrid"]["zh"]["mrr"] == 1.0
    bad = CliRunner().invoke(main, ["search-eval", "--queries", str(tmp_path / "corpus.jsonl")], env=search_env)
    assert bad.exit_code == 1 and "error:" in bad.output


def test_runs_on_neo4j(neo4j_store, search_env):
    from tests.conftest import neo4j_env

    env = dict(neo4j_env(), **search_env)
    neo4j_store.close()
    report = run_eval(env, "--store", env["CEM_STORE"])
    print_table(report, "search-eval on Neo4j")
    assert report["store"] == "neo4j"
    assert report["results"]["hybrid"]["zh"]["ndcg@10"] >= 0.75
    assert report["results"]["dense"]["zh"]["n"] == sum(1 for q in load_queries(DEV_QUERIES) if q.lang == "zh")
