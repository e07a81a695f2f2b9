"""`cem index`, `cem search`, `cem search-eval` (registered by kg.cli)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kg.cli import fail, opened_store, store_option
from kg.i18n_cli import _

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class _Bar:
    """A progress bar on stderr that is opened once the amount of work is known."""

    def __init__(self, label: str):
        self.label = label
        self.bar: ProgressBar[int] | None = None

    def plan(self, n: int) -> None:
        if n:
            self.bar = click.progressbar(length=n, label=self.label, file=sys.stderr)
            self.bar.__enter__()

    def update(self, k: int) -> None:
        if self.bar is not None:
            self.bar.update(k)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _embedder():
    from kg.search.embedder import EmbedderError, load_embedder

    try:
        embedder = load_embedder()
    except EmbedderError as exc:
        fail(str(exc))
    click.echo(_("模型：%(model)s — %(description)s，%(dimension)s 维", model=embedder.model_id,
                 description=embedder.description, dimension=embedder.dimension), err=True)
    return embedder


def run_index(store, embedder, *, force: bool = False, labels=None, cache=None):
    from kg.search.embedder import default_cache
    from kg.search.index import build_index

    bar = _Bar(_("正在计算向量"))
    try:
        return build_index(store, embedder, labels=labels, cache=cache or default_cache(), force=force,
                           on_plan=bar.plan, progress=bar.update)
    finally:
        bar.close()


@click.command(name="index")
@store_option
@click.option("--force", is_flag=True, help="Re-embed every node (default: only new or changed text).")
@click.option("--label", "labels", multiple=True, help="Index only these labels.")
def index_command(location, force, labels):
    """Build or refresh the search index (vectors, keyword terms) of the store."""
    from kg.search.index import searchable_labels

    embedder = _embedder()
    with opened_store(location) as store:
        for label in labels:
            if label not in searchable_labels(store):
                fail(_("类别 %(label)s 不可检索；可检索：%(labels)s", label=repr(label),
                       labels=", ".join(searchable_labels(store))))
        store.init_schema()
        report = run_index(store, embedder, force=force, labels=list(labels) or None)
    click.echo(report.summary())


def _print_hits(result) -> None:
    filters = result.filters.as_dict()
    shown = f" ({', '.join(f'{k}={v}' for k, v in filters.items())})" if filters else ""
    click.echo(_("%(method)s 检索 %(query)s%(filters)s：%(n)s 条结果，用时 %(ms)s ms", method=result.method,
                 query=repr(result.query), filters=shown, n=len(result.hits), ms=f"{result.milliseconds:.0f}"))
    for i, hit in enumerate(result.hits, start=1):
        score = _("得分 %(score)s", score=f"{hit.score:.4f}")
        click.echo(f"{i:>2}. [{hit.label}] {hit.name}  ({hit.id}, {score})")
        if hit.snippet:
            click.echo(f"    {hit.snippet}")
        ctx = hit.context
        if ctx and ctx.get("kind") == "lesson":
            if ctx.get("incident"):
                click.echo("    " + _("事件：") + f"{ctx['incident']['name']} ({ctx['incident'].get('date', '')})")
            click.echo("    " + _("建议：") + str(ctx["recommendation"]))
            for key, title in (("act", _("应由谁落实：")), ("duties", _("相关职责：")), ("plans", _("相关预案：")),
                               ("modules", _("培训模块："))):
                if ctx.get(key):
                    click.echo(f"    {title}" + "; ".join(x["name"] for x in ctx[key]))
        elif ctx and ctx.get("kind") == "duty":
            for key, title in (("holders", _("承担者：")), ("phases", _("阶段：")), ("hazards", _("针对的灾害风险：")),
                               ("plans", _("相关预案："))):
                if ctx.get(key):
                    click.echo(f"    {title}" + "; ".join(x["name"] for x in ctx[key]))


@click.command(name="search")
@store_option
@click.argument("query")
@click.option("--label", "labels", multiple=True, help="Only these labels (e.g. LessonLearned, Duty, Plan).")
@click.option("--phase", help="Only nodes in this phase (id, e.g. phase.response, or name, e.g. 应急响应).")
@click.option("--hazard", help="Only nodes about this hazard or hazard family (id or name).")
@click.option("--organization", "--org", "organization", help="Only nodes about this organization (id or name).")
@click.option("--year", type=click.IntRange(1900, 2100), help="Only incidents of this year and their lessons.")
@click.option("--method", type=click.Choice(["hybrid", "dense", "keyword"]), default="hybrid", show_default=True)
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--context/--no-context", default=True, show_default=True, help="Add each hit's graph context.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the same as /api/v1/search).")
def search_command(location, query, labels, phase, hazard, organization, year, method, limit, context, as_json):
    """Search the graph: lessons learned, duties, plans, hazards ..."""
    from kg.search.embedder import EmbedderError
    from kg.search.engine import Filters, SearchEngine, SearchError

    with opened_store(location) as store:
        engine = SearchEngine(store, _embedder() if method != "keyword" else None)
        try:
            result = engine.search(query, method=method, k=limit, context=context,
                                   filters=Filters(list(labels) or None, phase, hazard, organization, year))
        except SearchError as exc:
            fail(exc)
        except EmbedderError as exc:
            fail(str(exc))
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_hits(result)


@click.command(name="ask")
@store_option
@click.argument("scenario")
@click.option("--role", help="Your organization or role (id or name), e.g. 物业服务企业 or org.grid-worker.")
@click.option("--limit", type=click.IntRange(1, 20), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the same as /api/v1/search/situation).")
def ask_command(location, scenario, role, limit, as_json):
    """Describe a situation: the closest lessons, your role's duties, the relevant plans."""
    from kg.search.assist import ask
    from kg.search.embedder import EmbedderError
    from kg.search.engine import SearchEngine, SearchError

    with opened_store(location) as store:
        try:
            answer = ask(SearchEngine(store, _embedder()), scenario, role=role, k=limit)
        except SearchError as exc:
            fail(exc)
        except EmbedderError as exc:
            fail(str(exc))
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    click.echo(_("情景：") + scenario + (_("（角色：%(role)s）", role=answer["role"]) if answer["role"] else ""))
    for key, title in (("lessons", _("相关经验教训")), ("duties", _("应履行的职责")), ("plans", _("相关预案")),
                       ("hazards", _("涉及的灾害风险"))):
        click.echo(_("%(relation)s：", relation=title))
        for hit in answer[key]:
            click.echo(f"  - {hit['name']}  ({hit['id']})")
            ctx = hit.get("context") or {}
            if key == "lessons" and ctx.get("recommendation"):
                click.echo("    " + _("建议：") + str(ctx["recommendation"]))


def _export_into(store, path: str) -> None:
    from kg.exchange import ImportError_, import_graph

    with open(path, encoding="utf-8") as fh:
        lines = fh.readlines()
    store.init_schema()
    try:
        import_graph(store, lines, filename=path)
    except ImportError_ as exc:
        for problem in exc.problems[:20]:
            click.echo(problem, err=True)
        fail(_("%(file)s：%(n)s 条记录格式有误", file=path, n=len(exc.problems)))


def _collect_set(location, evalset, queries, embedder, corpus: str | None):
    """Fill an empty store with a set's documents, index it and collect its candidates."""
    from kg.search.engine import SearchEngine
    from kg.search.evalsets import CorpusError, fill_store
    from kg.search.evaluate import collect

    with opened_store(location) as store:
        if store.counts()["labels"]:
            fail(_("存储 %(location)s 不是空的；search-eval 只把语料载入空的存储", location=store.location))
        try:
            if corpus:
                _export_into(store, corpus)
            else:
                fill_store(store, evalset)
        except CorpusError as exc:
            fail(str(exc))
        store.init_schema()
        report_index = run_index(store, embedder)
        click.echo(f"{evalset.name}: {report_index.summary()}", err=True)
        missing = sorted({i for q in queries for i in q.relevant} - set(store.get_nodes({i for q in queries for i in q.relevant})))
        if missing:
            fail(f"{evalset.queries}: judged nodes missing from the corpus: {', '.join(missing[:10])}")
        collected = collect(SearchEngine(store, embedder), queries)
        kind = store.kind
        store.run_write("search_eval_clear")
    return collected, kind


@click.command(name="search-eval")
@click.option("--set", "sets", multiple=True, type=click.Choice(["dev", "field"]),
              help="Evaluation sets (default: both): dev = the development set, field = the independent field set.")
@click.option("--corpus", type=click.Path(exists=True, dir_okay=False),
              help="A `cem export` file to evaluate on instead (with --queries).")
@click.option("--queries", type=click.Path(exists=True, dir_okay=False),
              help="Queries as JSON Lines {qid, lang, query, relevant: {id: grade}} for --corpus (or for the bundled content).")
@click.option("--store", "location", default=None,
              help="Evaluate on this store, which must be empty (default: a fresh temporary embedded store per set).")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@click.option("--compare", is_flag=True, help="Also cross-validate every fusion family (RRF, score fusion, learned).")
@click.option("--fit", is_flag=True, help="Fit the default fusion family on all queries and write kg/search/fusion.json.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with per-query results.")
def search_eval_command(sets, corpus, queries, location, folds, compare, fit, as_json):
    """Score keyword, dense and hybrid search per evaluation set and language: nDCG@10, MRR, R@5,
    and the hybrid cross-validated over all sets' queries."""
    from kg.search.evalsets import SETS, EvalSet
    from kg.search.evaluate import DEFAULT_FAMILY, EvalError, fit_default, load_queries, report, write_default
    from kg.search.fusion import load_default

    if corpus and not queries:
        fail("--corpus needs --queries (the queries written for that corpus)")
    if queries:
        chosen = [EvalSet("custom", Path(queries), None, "given queries")]
    else:
        chosen = [SETS[name] for name in (sets or ("dev", "field"))]
    loaded = []
    for evalset in chosen:
        try:
            loaded.append((evalset, load_queries(evalset.queries, evalset.name)))
        except (EvalError, OSError) as exc:
            fail(str(exc))
    embedder = _embedder()
    collected, kind = [], None
    for evalset, qs in loaded:
        with tempfile.TemporaryDirectory(prefix="cem-eval-") as tmp:
            col, kind = _collect_set(location or str(Path(tmp) / "eval.kgl"), evalset, qs, embedder, corpus)
        collected.append(col)
    backend = "neo4j" if kind == "neo4j" else "embedded"
    fusion = load_default(backend)
    if fit:
        fusion = fit_default(collected)
        write_default(fusion, f"{DEFAULT_FAMILY} fitted by `cem search-eval --fit` on {sum(len(c.queries) for c in collected)} "
                              f"queries ({', '.join(e.name for e, _ in loaded)}) on the {backend} store with "
                              f"{embedder.model_id}", backend)
        click.echo(f"wrote {Path(__file__).with_name('fusion.json')}", err=True)
    rep = report(collected, fusion, folds=folds, compare=compare)
    if as_json:
        click.echo(json.dumps(rep.as_dict() | {"store": kind, "model": embedder.model_id}, ensure_ascii=False, indent=2))
        return
    click.echo(f"store: {kind}; model: {embedder.model_id}; sets: "
               + ", ".join(f"{e.name} ({len(q)} queries)" for e, q in loaded))
    click.echo(f"hybrid: {rep.family} (shipped: kg/search/fusion.json); hybrid-cv: the same fitted on the "
               f"other {folds - 1} of {folds} folds of all queries; hybrid-cross: fitted on the other set")
    click.echo(rep.table())
    if compare:
        click.echo("\ncross-validated nDCG@10 per fusion family:")
        keys = sorted(next(iter(rep.families.values())))
        click.echo(f"{'family':<28}" + "".join(f"{set_name + '/' + lang:>12}" for set_name, lang in keys))
        for name, rows in rep.families.items():
            click.echo(f"{name:<28}" + "".join(f"{rows[k]['ndcg@10']:>12.3f}" for k in keys))
    problems = rep.violations()
    click.echo("rule: hybrid >= the better single method within 0.005 (nDCG@10 on every row, MRR per set): "
               + ("holds" if not problems else "BROKEN: " + "; ".join(problems)))
    shortfalls = rep.shortfalls("mrr")
    if shortfalls:
        click.echo("MRR rows below the better single method: " + "; ".join(shortfalls))


commands = [index_command, search_command, ask_command, search_eval_command]
