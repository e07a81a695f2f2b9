"""Load test of the three journeys through the production server, over loopback.

Signed-in users (each holds the trainee, community and reviewer roles and has a community of
their own) repeat, for a bounded time, a journey drawn 60/20/20:

* trainee:   a unit page, start the module's knowledge check, answer every question, submit;
* community: open the self-assessment, save answers, the gap plan;
* staff:     search, open the first hit, similar lessons.

Configurations, each served by ``cem serve`` as a user would run it, one after the other in the
same run: the embedded store with waitress; Neo4j with gunicorn and 1 worker, then 4 workers;
and a bare one-route Flask app served the same ways (waitress; gunicorn 1 and 4 workers) as the
floor.  Per step: count, errors, p50/p95/p99 (ms); per configuration: journeys and requests per
second.  Targets: zero errors; p99 < 300 ms per step at 32 users on the embedded store; 4
workers on Neo4j >= 2x the journeys/s of 1 worker.

    python bench/journeys.py [--users 32] [--seconds 30] [--think 0] [--neo4j bolt://127.0.0.1:7704 --neo4j-password …]

``--think 0`` (the default) is a stress test: each user sends its next request the moment the
last one is answered, so 32 users keep 32 requests in the server at all times.  People read a
page before they click: ``--think 2`` pauses 1–3 s (uniformly) after every step, as locust's
``between(1, 3)`` does, which is still far quicker than a person reading a quiz question.

The Neo4j database named is WIPED (use a scratch server).  The search index covers the lessons
only (embedded with the bundled model; the vectors are cached in --cache, so a second run does not
embed again).  The load generator runs in this process (threads, keep-alive connections); on a
2-core machine it competes with the server for the cores — the bare app's row shows that floor.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
QUESTION_RE = re.compile(r'name="question" type="hidden" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
HIT_RE = re.compile(r'class="hit-link" href="(/node/[^"?#]+)"')
QUERIES = ["暴雨天地下车库怎么组织转移", "高层建筑火灾疏散", "地震后临时安置点管理", "台风来临前转移群众",
           "燃气泄漏爆炸教训", "预警信息没有传达到居民", "应急物资储备不足", "志愿者培训和演练",
           "city flooding evacuation", "heat wave elderly care"]
MIX = (("trainee", 0.6), ("community", 0.2), ("staff", 0.2))
BARE_APP = "from flask import Flask\napp = Flask('bare')\n\n@app.get('/bare')\ndef bare():\n    return 'ok'\n"


# --- the world ---------------------------------------------------------------------------------------
def build(store, folder: Path, users: int, cache_path: Path) -> dict:
    """Bundled knowledge, the fixture course, the checklist, one community + assessment per user."""
    from argon2 import PasswordHasher

    from assessments import workflow as wf
    from assessments.checklist import DEFAULT_STANDARD, load_checklist
    from curricula import progress
    from kg import accounts
    from kg.accounts import passwords
    from kg.accounts.model import utc_now
    from kg.content.load import load_content
    from kg.content.loader import read_content
    from kg.search.embedder import VectorCache, load_embedder
    from kg.search.index import build_index
    from tests.training.factory import COURSE, load_training_content, unit_id

    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # cheap sign-ins
    store.init_schema()
    content = read_content()
    assert content.ok, content.problems[:3]
    load_content(store, content)
    load_training_content(store, folder / "course")
    started = time.perf_counter()
    report = build_index(store, load_embedder(), labels=["LessonLearned"], cache=VectorCache(cache_path))
    print(f"  search index: {report} ({time.perf_counter() - started:.0f} s)", flush=True)
    criteria = [c.id for c in load_checklist(store, DEFAULT_STANDARD).scored if c.scoring in ("binary", "graded")]
    assessments = {}
    now = utc_now()
    for i in range(users):
        name = f"u{i:02d}"
        community = f"community.bench-{i:02d}"
        wf.create_community(store, community, f"压测社区{i:02d}")
        account = accounts.create_user(store, name, PASSWORD, roles=("trainee", "community", "reviewer"),
                                       community=community)
        progress.enrol(store, account.id, COURSE, now=now)
        progress.mark_read(store, account.id, COURSE, unit_id(1), now=now)
        record = wf.open_assessment(store, wf.Actor.of(account), community, DEFAULT_STANDARD)
        assessments[name] = record.id
    return {"assessments": assessments, "criteria": criteria[:6], "course": COURSE, "unit": unit_id(1)}


# --- a user ----------------------------------------------------------------------------------------------
class User:
    """One person: a keep-alive connection, the session cookie, the form token."""

    def __init__(self, port: int, name: str):
        self.port, self.name = port, name
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("cem_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, data, dict(response.headers)

    def sign_in(self) -> None:
        _, page, _ = self.request("GET", "/login")
        token = CSRF_RE.search(page).group(1)
        status, _, _ = self.request("POST", "/login", {"csrf_token": token, "username": self.name,
                                                      "password": PASSWORD})
        assert status == 302, f"{self.name}: sign-in {status}"
        _, page, _ = self.request("GET", "/account")
        self.token = CSRF_RE.search(page).group(1)


class Recorder:
    def __init__(self, think: float = 0.0):
        #: mean seconds a person takes between two steps (reading the page), drawn uniformly from
        #: 0.5x to 1.5x of it after each step and never counted in the step's time; 0: none
        self.think = think
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.journeys: dict[str, int] = defaultdict(int)
        self.requests = 0
        self.lock = threading.Lock()
        self.samples: list[str] = []

    def step(self, name: str, call, ok=lambda status: status < 400):
        started = time.perf_counter()
        try:
            status, body, headers = call()
        except Exception as exc:  # noqa: BLE001 - counted as an error of the step
            status, body, headers = 0, repr(exc), {}
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.requests += 1
            self.times[name].append(elapsed)
            if not ok(status):
                self.errors[name] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{name}: {status} {body[:200]!r}")
        if self.think:
            time.sleep(random.uniform(0.5, 1.5) * self.think)
        return status, body, headers


def trainee(user: User, rec: Recorder, world: dict) -> None:
    course, unit = world["course"], world["unit"]
    rec.step("trainee.unit", lambda: user.request("GET", f"/training/courses/{course}/units/{unit}"))
    status, _, headers = rec.step("trainee.start", lambda: user.request(
        "POST", "/training/quizzes/quiz.fx-1-check/start", {"csrf_token": user.token, "course": course}),
        ok=lambda s: s == 302)
    attempt = headers.get("Location", "").rsplit("/", 1)[-1]
    if status != 302 or not attempt:
        return
    for _ in range(20):
        status, page, _ = rec.step("trainee.question", lambda: user.request("GET", f"/training/attempts/{attempt}"))
        found = QUESTION_RE.search(page) if status == 200 else None
        if not found:
            break
        form = {"csrf_token": user.token, "question": found.group(1), "choice": "0"}
        rec.step("trainee.answer", lambda form=form: user.request("POST", f"/training/attempts/{attempt}/answer", form),
                 ok=lambda s: s == 302)
    rec.step("trainee.submit", lambda: user.request("POST", f"/training/attempts/{attempt}/submit",
                                                    {"csrf_token": user.token}), ok=lambda s: s == 302)


def community(user: User, rec: Recorder, world: dict) -> None:
    assessment = world["assessments"][user.name]
    status, page, _ = rec.step("community.open", lambda: user.request("GET", f"/assessment/{assessment}"))
    version = VERSION_RE.search(page) if status == 200 else None
    if version is None:
        return
    form = {"csrf_token": user.token, "version": version.group(1)}
    for criterion in world["criteria"]:
        form.update({f"c-{criterion}": "1", f"a-{criterion}": random.choice(["met", "not_met"]),
                     f"n-{criterion}": f"压测说明 {random.randint(1, 9999)}", f"d-{criterion}": ""})
    rec.step("community.save", lambda: user.request("POST", f"/assessment/{assessment}/answers", form),
             ok=lambda s: s == 302)
    rec.step("community.gaps", lambda: user.request("GET", f"/assessment/{assessment}/gaps"))


def staff(user: User, rec: Recorder, world: dict) -> None:
    query = urllib.parse.urlencode({"q": random.choice(QUERIES)})
    status, page, _ = rec.step("staff.search", lambda: user.request("GET", f"/search?{query}"))
    hits = HIT_RE.findall(page) if status == 200 else []
    if not hits:
        return
    hit = next((h for h in hits if "/lesson." in h), hits[0])
    rec.step("staff.open", lambda: user.request("GET", hit))
    node_id = urllib.parse.unquote(hit.rsplit("/", 1)[-1])
    if node_id.startswith("lesson."):
        rec.step("staff.similar", lambda: user.request("GET", f"/api/v1/search/similar/{node_id}"))


JOURNEYS = {"trainee": trainee, "community": community, "staff": staff}


def run_load(port: int, world: dict | None, users: int, seconds: float, warmup: float, think: float = 0.0) -> Recorder:
    """``users`` threads doing journeys (or GET /bare when ``world`` is None) for ``seconds``,
    each pausing ``think`` seconds on average between two steps."""
    rec, warm = Recorder(think), Recorder(think)
    people = [User(port, f"u{i:02d}") for i in range(users)]
    if world is not None:
        for person in people:
            person.sign_in()
    stop_at = time.monotonic() + warmup + seconds
    start_measure = time.monotonic() + warmup

    def loop(person: User, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < stop_at:
            current = rec if time.monotonic() >= start_measure else warm
            if world is None:
                current.step("bare", lambda: person.request("GET", "/bare"))
                continue
            kind = rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
            JOURNEYS[kind](person, current, world)
            if current is rec:
                with rec.lock:
                    rec.journeys[kind] += 1

    threads = [threading.Thread(target=loop, args=(p, i)) for i, p in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rec.seconds = seconds  # type: ignore[attr-defined]
    rec.warm_requests = warm.requests  # type: ignore[attr-defined]
    return rec


# --- servers ------------------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def measured(proc: subprocess.Popen, load) -> Recorder:
    """Run ``load`` and note the server's CPU time during it (contention-independent cost)."""
    before, wall = cpu_seconds(proc.pid), time.monotonic()
    rec = load()
    rec.log = proc._log.name  # type: ignore[attr-defined]
    rec.cpu = cpu_seconds(proc.pid) - before  # type: ignore[attr-defined]
    rec.wall = time.monotonic() - wall  # type: ignore[attr-defined]
    return rec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(args: list[str], env: dict, port: int) -> subprocess.Popen:
    log = tempfile.NamedTemporaryFile(prefix="cem-bench-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    proc._log = log  # type: ignore[attr-defined]  # kept open for the server's life; read for errors
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the server exited: {log.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz" if "kg" in args else "/bare")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not answer within 180 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def serve_cem(env: dict, workers: int | None, threads: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    args = [sys.executable, "-m", "kg", "serve", "--no-load", "--port", str(port), "--threads", str(threads)]
    if workers is not None:
        args += ["--workers", str(workers)]
    proc = start_server(args, env, port)
    time.sleep(3)  # let the background model load finish before measuring (the warm-up covers the rest)
    return proc, port


def serve_bare(folder: Path, workers: int | None, threads: int) -> tuple[subprocess.Popen, int]:
    (folder / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(folder))
    if workers is None:
        args = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", f"--threads={threads}", "bare_app:app"]
    else:
        args = [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread",
                "--threads", str(threads), "bare_app:app"]
    return start_server(args, env, port), port


# --- report ---------------------------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(results: dict[str, Recorder]) -> str:
    names = list(results)
    steps = sorted({s for r in results.values() for s in r.times})
    lines = ["| step | " + " | ".join(f"{n}<br>n · err · p50/p95/p99 ms" for n in names) + " |",
             "| --- | " + " | ".join("---" for _ in names) + " |"]
    for step in steps:
        cells = []
        for name in names:
            r = results[name]
            t = r.times.get(step, [])
            cells.append(f"{len(t)} · {r.errors.get(step, 0)} · {pct(t, 50):.0f}/{pct(t, 95):.0f}/{pct(t, 99):.0f}"
                         if t else "—")
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    lines.append("| journeys/s | " + " | ".join(
        f"{sum(results[n].journeys.values()) / results[n].seconds:.1f}" for n in names) + " |")
    lines.append("| requests/s | " + " | ".join(
        f"{results[n].requests / results[n].seconds:.0f}" for n in names) + " |")
    per_request = [1000 * getattr(results[n], "cpu", float("nan")) / max(1, results[n].requests
                                                                          + results[n].warm_requests) for n in names]
    lines.append("| server CPU ms per request (warm-up included) | " + " | ".join(
        f"{v:.1f}" for v in per_request) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds each user reads a page before the next step (0: none, every user "
                             "sends its next request as soon as the last is answered)")
    parser.add_argument("--threads", type=int, default=8, help="server threads per process")
    parser.add_argument("--neo4j", help="bolt:// or neo4j:// URI of a SCRATCH Neo4j (wiped)")
    parser.add_argument("--neo4j-password")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "cem-bench-vectors.sqlite"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cem-journeys-"))
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("CEM_", "NEO4J_"))}
    base_env.update(PYTHONPATH=str(ROOT), CEM_LOG_LEVEL="WARNING", CEM_EMBEDDING_CACHE="off",
                    CEM_LOGIN_LIMIT_ADDRESS="100000", CEM_SECRET_KEY="bench-secret-key-" + "0" * 32)
    results: dict[str, Recorder] = {}

    from kg.store.embedded import EmbeddedStore

    print("setting up the embedded store …", flush=True)
    store = EmbeddedStore(folder / "embedded" / "graph.kgl")
    world = build(store, folder, args.users, Path(args.cache))
    store.close()
    env = dict(base_env, CEM_DATA_DIR=str(folder / "embedded"))
    proc, port = serve_cem(env, None, args.threads)
    try:
        print(f"embedded store, waitress: {args.users} users for {args.seconds:.0f} s, {args.think:g} s between steps …",
              flush=True)
        results["embedded · waitress"] = measured(proc, lambda: run_load(port, world, args.users, args.seconds,
                                                                         args.warmup, args.think))
    finally:
        stop_server(proc)
    proc, port = serve_bare(folder, None, args.threads)
    try:
        results["bare · waitress"] = measured(proc, lambda: run_load(port, None, args.users, args.seconds / 2, 2, args.think))
    finally:
        stop_server(proc)

    if args.neo4j:
        from kg.store.neo4j_store import Neo4jStore

        print("setting up Neo4j (wiped) …", flush=True)
        store = Neo4jStore(args.neo4j, "neo4j", args.neo4j_password or "")
        with store.driver.session(database=store.database) as s:
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        world = build(store, folder, args.users, Path(args.cache))
        store.close()
        env = dict(base_env, CEM_DATA_DIR=str(folder / "neo4j"), CEM_STORE=args.neo4j,
                   NEO4J_PASSWORD=args.neo4j_password or "")
        for workers in (1, 4):
            proc, port = serve_cem(env, workers, args.threads)
            try:
                print(f"neo4j, gunicorn {workers} worker(s): {args.users} users for {args.seconds:.0f} s …",
                      flush=True)
                results[f"neo4j · {workers} worker{'s' if workers > 1 else ''}"] = measured(
                    proc, lambda port=port: run_load(port, world, args.users, args.seconds, args.warmup, args.think))
            finally:
                stop_server(proc)
            proc, port = serve_bare(folder, workers, args.threads)
            try:
                results[f"bare · gunicorn {workers}w"] = measured(
                    proc, lambda port=port: run_load(port, None, args.users, args.seconds / 2, 2, args.think))
            finally:
                stop_server(proc)

    print()
    print(table(results))
    for name, r in results.items():
        for sample in r.samples:
            print(f"  {name}: error sample: {sample}")
        if r.samples:
            print(f"  {name}: the server's log (tracebacks of 500s): {r.log}")
    embedded = results["embedded · waitress"]
    worst = max((pct(t, 99), s) for s, t in embedded.times.items())
    errors = sum(sum(r.errors.values()) for r in results.values())
    print(f"\nerrors: {errors} (target 0); embedded worst step p99: {worst[0]:.0f} ms ({worst[1]}) (target < 300)")
    if "neo4j · 1 worker" in results:
        one, four = (sum(results[k].journeys.values()) / results[k].seconds for k in ("neo4j · 1 worker",
                                                                                      "neo4j · 4 workers"))
        print(f"neo4j journeys/s: 1 worker {one:.1f}, 4 workers {four:.1f} ({four / one:.2f}x; target >= 2x)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; median of per-step p50s: "
          f"{statistics.median(pct(t, 50) for t in embedded.times.values()):.0f} ms on the embedded store")
    return 0


if __name__ == "__main__":
    sys.exit(main())
