"""Benchmark the training engine: quiz page render and answer/submit latency under load.

Sets up, in each store: the test course (7 modules x 4 objectives x 6 questions, a knowledge
check per module), 500 enrolled trainees and 10,000 stored, submitted attempts with their
answers (written in batches through the GraphStore, in the engine's own format).  Then sampled
trainees take the first module's knowledge check through the web app (Flask test client, full stack: routing,
sign-in, engine, store, template): start it, open the quiz page before every question, answer
every question, submit.  Prints p50 / p99 / max per operation and store, the engine-only times
beside them, and the kglite/Neo4j ratio of the p50s.  Target: answer and submit p99 < 200 ms on
the embedded store.

    python bench/training.py [--trainees 500] [--attempts 10000] [--samples 150]

Neo4j is included when NEO4J_URI and NEO4J_PASSWORD are set.  The Neo4j database it points at
is WIPED before and after (use a scratch database).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curricula import progress, quiz
from curricula.attempts import answer_id, get_attempt
from curricula.attempts import attempt_id as make_attempt_id
from curricula.bank import load_course, load_questions
from curricula.clock import FixedClock, iso
from curricula.scoring import encode_order, to_shown
from kg.store.embedded import EmbeddedStore
from tests.training.factory import COURSE, load_training_content, unit_id

MODULES, OBJECTIVES, PER_OBJECTIVE = 7, 4, 6
TARGET_MS = 200.0


def neo4j_store():
    from kg.store.neo4j_store import Neo4jStore

    store = Neo4jStore(os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"],
                       os.environ.get("NEO4J_DATABASE", "neo4j"))
    wipe(store)
    return store


def wipe(store):
    if store.kind == "neo4j":
        with store.driver.session(database=store.database) as s:
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def setup(store, folder: Path, trainees: int, attempts: int, now, rng: random.Random) -> list[str]:
    """Course, users, enrolments, units read and stored attempts; returns the user ids."""
    store.init_schema()
    load_training_content(store, folder, modules=MODULES, objectives=OBJECTIVES, per_objective=PER_OBJECTIVE)
    users = [f"user.bench{i:04d}" for i in range(trainees)]
    store.upsert_nodes("User", [{"id": u, "properties": {
        "username": u.removeprefix("user."), "display_name": f"学员{i}", "roles": ["trainee"], "active": True,
        "created_at": "2025-01-01T00:00:00Z", "auth_version": 0}} for i, u in enumerate(users)])
    t = time.perf_counter()
    rels = [{"type": "ENROLLED_IN", "start": u, "end": COURSE, "properties": {"enrolled_at": iso(now), "enrolled_by": u}}
            for u in users]
    rels += [{"type": "READ", "start": u, "end": unit_id(m), "properties": {"read_at": iso(now)}}
             for u in users for m in range(1, MODULES + 1)]
    store.upsert_relationships(rels)
    course = load_course(store, COURSE)
    questions = load_questions(store, [q for o in course.objectives for q in o.questions])
    nodes, answers, links = [], [], []
    per_user: dict[tuple[str, str], int] = {}
    for k in range(attempts):
        user = users[k % len(users)]
        module = course.modules[(k // len(users)) % len(course.modules)]
        quiz_id = module.knowledge_check.id
        n = per_user[(user, quiz_id)] = per_user.get((user, quiz_id), 0) + 1
        aid = make_attempt_id(user, quiz_id, n)
        drawn = [rng.choice(o.questions) for o in module.objectives]
        orders = [encode_order(rng.sample(range(len(questions[q].options)), len(questions[q].options))) for q in drawn]
        right = [q for q in drawn if rng.random() < 0.7]
        nodes.append({"id": aid, "properties": {
            "quiz": quiz_id, "user": user, "mode": "quiz", "kind": "knowledge_check", "number": n,
            "started_at": iso(now), "submitted_at": iso(now), "status": "submitted", "questions": drawn,
            "orders": orders, "course": COURSE, "module": module.id, "pass_mark": 1.0, "quiz_name": module.knowledge_check.name,
            "correct_questions": right, "correct": len(right), "total": len(drawn), "answered": len(drawn),
            "score": len(right) / len(drawn), "passed": len(right) == len(drawn), "late": False}})
        links += [{"type": "ATTEMPTED", "start": user, "end": aid}, {"type": "OF_QUIZ", "start": aid, "end": quiz_id}]
        for q in drawn:
            ans = answer_id(aid, q)
            answers.append({"id": ans, "properties": {
                "attempt": aid, "question": q, "user": user, "chosen": questions[q].answer if q in right else [0],
                "correct": q in right, "answered_at": iso(now), "mode": "quiz", "quiz": quiz_id}})
            links += [{"type": "HAS_ANSWER", "start": aid, "end": ans}, {"type": "ANSWER_TO", "start": ans, "end": q}]
    store.upsert_nodes("Attempt", nodes)
    store.upsert_nodes("QuizAnswer", answers)
    store.upsert_relationships(links)
    counts = store.counts()["labels"]
    print(f"  set-up: {len(users)} trainees, {counts.get('Attempt', 0)} attempts, {counts.get('QuizAnswer', 0)} answers "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    return users


def signed_in_client(app, user: str):
    """A test client holding a real sign-in session of ``user`` (made without a password)."""
    from kg.accounts import get_user, sessions

    store = app.extensions["cem_store"]
    secret = sessions.start(store, get_user(store, user), hours=12)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = secret
        session["_fresh"] = True
    return client


def measure(store, users: list[str], samples: int, now, rng: random.Random) -> dict[str, list[float]]:
    from kg.settings import Settings
    from web import create_app

    clock = FixedClock(now)
    app = create_app(Settings.of(secret_key="bench" * 8, data_dir=tempfile.mkdtemp(prefix="cem-bench-data-")),
                     store=store, clock=clock)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    times: dict[str, list[float]] = {k: [] for k in ("start", "page", "answer", "submit", "engine answer", "engine submit")}
    course = load_course(store, COURSE)
    chosen = rng.sample(users, samples + 1)
    warm, chosen = chosen[0], chosen[1:]
    for user in [warm] + chosen:
        client = signed_in_client(app, user)
        module = course.modules[0]  # always open: later modules need the earlier checks passed
        record = (lambda key, started: times[key].append(time.perf_counter() - started)) if user != warm else \
            (lambda key, started: None)  # the first quiz warms up templates and caches
        t = time.perf_counter()
        response = client.post(f"/training/quizzes/{module.knowledge_check.id}/start", data={"course": COURSE})
        record("start", t)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        attempt = response.headers["Location"].rsplit("/", 1)[-1]
        a = get_attempt(store, attempt)
        questions = load_questions(store, a.questions)
        for q in a.questions:
            t = time.perf_counter()
            page = client.get(f"/training/attempts/{attempt}")
            record("page", t)
            assert page.status_code == 200
            choice = to_shown(a.order_of(q), questions[q].answer) if rng.random() < 0.8 else [0]
            t = time.perf_counter()
            response = client.post(f"/training/attempts/{attempt}/answer", data={"question": q, "choice": choice})
            record("answer", t)
            assert response.status_code == 302, response.get_data(as_text=True)[:300]
        t = time.perf_counter()
        response = client.post(f"/training/attempts/{attempt}/submit")
        record("submit", t)
        assert response.status_code == 302
    # the engine alone (no HTTP, no templates): a second attempt at the same check
    for user in chosen:
        module = course.modules[0]
        a = quiz.start_attempt(store, user, module.knowledge_check.id, now=now, course=COURSE)
        questions = load_questions(store, a.questions)
        for q in a.questions:
            t = time.perf_counter()
            quiz.answer_question(store, user, a.id, q, to_shown(a.order_of(q), questions[q].answer), now=now)
            times["engine answer"].append(time.perf_counter() - t)
        t = time.perf_counter()
        quiz.submit_attempt(store, user, a.id, now=now)
        times["engine submit"].append(time.perf_counter() - t)
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] * 1000


def main() -> None:
    warnings.filterwarnings("ignore", message=r"save\(\) wrote")  # kglite storage notes on close
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=500)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=150, help="trainees who take a quiz while measured")
    args = parser.parse_args()
    now = FixedClock("2025-06-01T08:00:00Z").now()
    stores = [("kglite", lambda d: EmbeddedStore(Path(d) / "bench.kgl"))]
    if os.environ.get("NEO4J_URI"):
        stores.append(("neo4j", lambda d: neo4j_store()))
    else:
        print("NEO4J_URI not set: Neo4j is not measured")
    results = {}
    for name, make in stores:
        print(f"{name}:", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            store = make(folder)
            try:
                rng = random.Random(11)
                users = setup(store, Path(folder) / "content", args.trainees, args.attempts, now, rng)
                progress.enrolled_users(store, COURSE)  # warm up
                results[name] = measure(store, users, min(args.samples, len(users)), now, rng)
            finally:
                wipe(store)
                store.close()
    print()
    print(f"{'store':<8}{'operation':<16}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, times in results.items():
        for op, values in times.items():
            print(f"{name:<8}{op:<16}{len(values):>6}{pct(values, 50):>10.1f}{pct(values, 99):>10.1f}"
                  f"{max(values) * 1000:>10.1f}")
    if "kglite" in results and "neo4j" in results:
        print()
        for op in results["kglite"]:
            print(f"p50 kglite/neo4j {op:<16}{pct(results['kglite'][op], 50) / pct(results['neo4j'][op], 50):>8.2f}")
    if "kglite" in results:
        worst = max(pct(results["kglite"][op], 99) for op in ("answer", "submit"))
        verdict = "meets" if worst < TARGET_MS else "MISSES"
        print(f"\nembedded answer/submit p99 {worst:.1f} ms: {verdict} the {TARGET_MS:.0f} ms target "
              f"(ratio {worst / TARGET_MS:.2f})")


if __name__ == "__main__":
    main()
