"""Faults survived: ``kill -9`` of the server in the middle of writes (both stores), Neo4j stopped
under a running app (and its launcher restarted on its own data), a data folder that refuses
evidence files, and many people writing at once through 4 gunicorn workers on Neo4j."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kg.store.embedded import EmbeddedStore
from tests.ops.server import Browser, Server, cem, cem_env, get
from tests.ops.world import PASSWORD, build_world, next_question, save_answer, start_quiz, upload_evidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def _png(tag: str) -> bytes:
    return PNG + tag.encode()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    out = []
    for child in map(int, text.split()):
        out += [child, *_children(child)]
    return out


def _kill_tree(server: Server) -> None:
    """kill -9 the server and every process it started (gunicorn workers, the model worker)."""
    pids = [server.proc.pid, *_children(server.proc.pid)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.proc.wait(timeout=30)


# --- kill -9 in the middle of writes ---------------------------------------------------------------
@pytest.fixture(params=["embedded", "neo4j"])
def killable(request, tmp_path):
    """(environment, server arguments, a function opening the store) for each store kind."""
    data = tmp_path / "data"
    if request.param == "embedded":
        env = cem_env({"CEM_DATA_DIR": str(data), "CEM_EMBEDDING_CACHE": "off"})
        return request.param, env, ("--no-load",), lambda: EmbeddedStore(data / "graph.kgl")
    own = request.getfixturevalue("own_neo4j")
    with own.store() as s:
        s._write([("MATCH (n) DETACH DELETE n", {})])
    return request.param, cem_env(own.env(data)), ("--workers", "2", "--no-load"), own.store


def test_kill_9_in_the_middle_of_writes_loses_no_acknowledged_write(killable, tmp_path):
    _kind, env, args, open_store = killable
    store = open_store()
    try:
        world = build_world(store, tmp_path, trainees=4, editors=2)
    finally:
        store.close()
    server = Server(env, *args)
    server.wait_ready()
    acknowledged: dict[str, list] = defaultdict(list)
    stop = threading.Event()
    failures: list[str] = []

    def trainee(name: str) -> None:
        browser = Browser(server.url)
        if browser.login(name, PASSWORD) != 302:
            return
        try:
            while not stop.is_set():
                attempt = start_quiz(browser)
                while not stop.is_set():
                    question, token = next_question(browser, attempt)
                    if question is None:
                        break
                    status = browser.post(f"/training/attempts/{attempt}/answer",
                                          {"csrf_token": token, "question": question, "choice": "0"})[0]
                    if status == 302:
                        acknowledged["answers"].append(f"{attempt}:{question}")
                    elif status >= 500:
                        failures.append(f"answer {status}")
                if not stop.is_set():
                    token = browser.csrf(f"/training/attempts/{attempt}")
                    if browser.post(f"/training/attempts/{attempt}/submit", {"csrf_token": token})[0] == 302:
                        acknowledged["submitted"].append(attempt)
        except OSError:
            return  # the server was killed under us: what came back acknowledged is recorded

    def editor(name: str, criteria: list[str]) -> None:
        browser = Browser(server.url)
        if browser.login(name, PASSWORD) != 302:
            return
        n = 0
        try:
            while not stop.is_set():
                n += 1
                criterion = criteria[n % len(criteria)]
                note = f"{name} 第{n}次保存"
                if save_answer(browser, world.assessment, criterion, note) == 302:
                    acknowledged["saves"].append((criterion, note))
                content = _png(f"{name}-{n}")
                status = upload_evidence(browser, world.assessment, criterion, f"{name}-{n}.png", content)
                if status == 302:
                    acknowledged["files"].append(hashlib.sha256(content).hexdigest())
                elif status >= 500:
                    failures.append(f"upload {status}")
        except OSError:
            return

    threads = [threading.Thread(target=trainee, args=(t,)) for t in world.trainees]
    threads += [threading.Thread(target=editor, args=(e, world.criteria[i * 5:(i + 1) * 5]))
                for i, e in enumerate(world.editors)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and (len(acknowledged["answers"]) < 12 or len(acknowledged["files"]) < 4):
        time.sleep(0.1)
    _kill_tree(server)  # kill -9, mid-flight
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    assert len(acknowledged["answers"]) >= 12 and len(acknowledged["files"]) >= 4, dict(acknowledged)

    again = Server(env, *args)  # the start-up check runs before it serves
    again.wait_ready()
    again.stop()
    assert "start-up check:" in again.output
    assert "evidence nodes whose file is missing" not in again.output, again.output[-2000:]
    assert "quiz answers without their attempt" not in again.output
    check = cem(env, "check-data")
    assert check.returncode == 0, check.stdout + check.stderr
    store = open_store()
    try:
        stored_answers = {n["id"] for n in store.nodes_by_label("QuizAnswer", limit=100_000)}
        assert set(acknowledged["answers"]) <= stored_answers
        attempts = {n["id"]: n["properties"] for n in store.nodes_by_label("Attempt", limit=100_000)}
        for answer_id in stored_answers:
            assert answer_id.split(":", 1)[0] in attempts  # no answer without its attempt
        for attempt in acknowledged["submitted"]:
            assert attempts[attempt]["status"] == "submitted"
        evidence = [n["properties"] for n in store.nodes_by_label("Evidence", limit=100_000)]
        stored_files = {e["sha256"] for e in evidence if e.get("kind") == "file"}
        assert set(acknowledged["files"]) <= stored_files
        uploads = Path(env["CEM_DATA_DIR"]) / "uploads" / "assessments" / world.assessment
        for e in evidence:
            path = uploads / e["stored"]
            assert path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == e["sha256"]
        answered = {n["id"].split(":", 1)[1]: n["properties"] for n in store.nodes_by_label("Answer", limit=10_000)}
        last_note: dict[str, str] = {}
        for criterion, note in acknowledged["saves"]:
            last_note[criterion] = note
        for criterion, note in last_note.items():  # each editor's own criteria: the last acknowledged note
            assert answered[criterion]["note"] == note
    finally:
        store.close()


# --- Neo4j stopped under a running app ----------------------------------------------------------------
def test_neo4j_stopped_and_started_again_under_a_running_app(own_neo4j, tmp_path):
    """503 with a retry message (not 500) while Neo4j is down, /healthz 503; started again on
    the same data folder (the launcher must not fail on its own data), the app recovers by itself
    and a refused sign-in (a write) succeeds when tried again."""
    from kg import accounts

    with own_neo4j.store() as store:
        store._write([("MATCH (n) DETACH DELETE n", {})])
        store.init_schema()
        accounts.create_user(store, "keeper", PASSWORD, roles=("admin",))
    env = cem_env(own_neo4j.env(tmp_path / "data"))
    server = Server(env, "--workers", "2", "--no-load")
    try:
        server.wait_ready()
        browser = Browser(server.url)
        token = browser.csrf("/login")
        pids = [server.proc.pid, *_children(server.proc.pid)]
        own_neo4j.stop()
        assert get(server.url + "/healthz")[0] == 503
        started = time.monotonic()
        status, body, headers = get(server.url + "/", timeout=30)
        assert status == 503  # the home page renders its own notice (no Retry-After there)
        assert time.monotonic() - started < 10  # the driver's retries end within ~5 s
        status, body, headers = browser.post("/login", {"csrf_token": token, "username": "keeper",
                                                         "password": PASSWORD}, timeout=30)
        assert status == 503, body[:300]
        assert "图数据库暂时无法访问" in body and "可以稍后重新提交" in body and headers["Retry-After"]
        own_neo4j.start()  # the same data folder and password: must come up (no ALTER USER refusal)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and get(server.url + "/healthz")[0] != 200:
            time.sleep(0.5)
        assert get(server.url + "/healthz")[0] == 200
        assert browser.post("/login", {"csrf_token": token, "username": "keeper", "password": PASSWORD})[0] == 302
        assert browser.get("/admin/users")[0] == 200
        assert server.proc.poll() is None and all(Path(f"/proc/{p}").exists() for p in pids)  # no app restart
        assert ' 500 ' not in "\n".join(line for line in server.lines if '"' in line and "rid=" in line)
    finally:
        server.stop()


def test_the_launcher_takes_a_new_password_on_existing_data(own_neo4j):
    own_neo4j.stop()
    own_neo4j.start(password="ops-test-neo4j-2")
    try:
        from kg.store.neo4j_store import Neo4jStore

        with Neo4jStore(own_neo4j.uri, "neo4j", "ops-test-neo4j-2") as store:
            assert store.health().ok
        with Neo4jStore(own_neo4j.uri, "neo4j", own_neo4j.password) as store:
            assert not store.health().ok  # the old password no longer works
    finally:
        own_neo4j.stop()
        own_neo4j.start()  # back to the fixture's password (changed again: set once more)
    with own_neo4j.store() as store:
        assert store.health().ok


# --- evidence into a folder that refuses it ---------------------------------------------------------------
def test_a_read_only_upload_folder_gives_a_clear_error_and_no_node(store, tmp_path):
    """Disk full and a read-only folder both end as OSError in the upload: 507, a message, no node."""
    from kg import accounts
    from tests.ops.world import COMMUNITY
    from tests.web.platform_fixtures import CSRF_RE, make_app

    data = tmp_path / "data"
    world = build_world(store, tmp_path, editors=1)
    app = make_app(store, data_dir=str(data))
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"csrf_token": token, "username": world.editors[0],
                                       "password": PASSWORD}).status_code == 302
    assert accounts.get_user(store, world.editors[0]).community == COMMUNITY
    folder = data / "uploads" / "assessments" / world.assessment
    folder.mkdir(parents=True)
    folder.chmod(0o500)  # read-only (root ignores modes: then the write is made to fail below)
    if os.geteuid() == 0:
        real_open = os.open

        def full_disk(path, flags, *a, **kw):
            if str(path).startswith(str(folder)) and flags & os.O_CREAT:
                raise OSError(28, "No space left on device")
            return real_open(path, flags, *a, **kw)

        os.open = full_disk
    try:
        page = client.get(f"/assessment/{world.assessment}").get_data(as_text=True)
        token = CSRF_RE.search(page).group(1)
        from io import BytesIO

        response = client.post(f"/assessment/{world.assessment}/evidence", data={
            "csrf_token": token, "criterion": world.criteria[0], "kind": "file",
            "file": (BytesIO(PNG), "照片.png")}, content_type="multipart/form-data")
    finally:
        if os.geteuid() == 0:
            os.open = real_open
        folder.chmod(0o700)
    assert response.status_code == 507
    body = response.get_data(as_text=True)
    assert "文件无法保存" in body and "存储空间和权限" in body
    assert store.nodes_by_label("Evidence") == []
    assert [p.name for p in folder.iterdir()] == []  # no partial file left


# --- many people at once, 4 workers on Neo4j ------------------------------------------------------------
def test_fifty_trainees_and_twenty_editors_with_four_workers(own_neo4j, tmp_path):
    with own_neo4j.store() as store:
        store._write([("MATCH (n) DETACH DELETE n", {})])
        world = build_world(store, tmp_path, trainees=50, editors=20)
    # 70 people sign in from one address (the test's): the per-address sign-in limit is raised
    env = cem_env(dict(own_neo4j.env(tmp_path / "data"), CEM_LOGIN_LIMIT_ADDRESS="1000"))
    server = Server(env, "--workers", "4", "--threads", "8", "--no-load")
    server.wait_ready()
    statuses: list[int] = []
    barrier = threading.Barrier(70, timeout=600)
    signing_in = threading.Semaphore(4)  # the server re-hashes each password at full argon2 cost

    def sign_in(browser: Browser, name: str) -> None:
        with signing_in:
            assert browser.login(name, PASSWORD) == 302

    def trainee(name: str) -> tuple[str, int]:
        browser = Browser(server.url)
        sign_in(browser, name)
        barrier.wait()
        attempt = start_quiz(browser)
        answered = 0
        while True:
            question, token = next_question(browser, attempt)
            if question is None:
                break
            for _ in range(2):  # a double click: recorded once
                status = browser.post(f"/training/attempts/{attempt}/answer",
                                      {"csrf_token": token, "question": question, "choice": "0"})[0]
                statuses.append(status)
            answered += 1
        token = browser.csrf(f"/training/attempts/{attempt}")
        for _ in range(2):  # submitted twice: counted once
            statuses.append(browser.post(f"/training/attempts/{attempt}/submit", {"csrf_token": token})[0])
        return attempt, answered

    def editor(i: int) -> str:
        name, criterion = world.editors[i], world.criteria[i]
        browser = Browser(server.url)
        sign_in(browser, name)
        barrier.wait()
        for _ in range(40):  # a 409 (someone saved first) means: reload and save again
            status = save_answer(browser, world.assessment, criterion, f"{name} 的说明")
            statuses.append(status)
            if status == 302:
                return criterion
            assert status == 409
        raise AssertionError(f"{name} could not save in 40 tries")

    try:
        with ThreadPoolExecutor(max_workers=70) as pool:
            trainees = [pool.submit(trainee, t) for t in world.trainees]
            editors = [pool.submit(editor, i) for i in range(20)]
            done = [f.result(timeout=600) for f in trainees]
            saved = [f.result(timeout=600) for f in editors]
    finally:
        server.stop()
    assert all(s < 500 for s in statuses), sorted(set(statuses))
    assert len(_pids_that_answered(server)) >= 2, "the load did not reach several workers"
    with own_neo4j.store() as store:
        answers = store.nodes_by_label("QuizAnswer", limit=100_000)
        attempts = {n["id"]: n["properties"] for n in store.nodes_by_label("Attempt", limit=1000)}
        assert len(attempts) == 50
        assert len(answers) == sum(n for _, n in done)  # no lost answer, none twice
        for attempt, n in done:
            assert attempts[attempt]["status"] == "submitted" and attempts[attempt]["answered"] == n
        record = store.get_node(world.assessment)["properties"]
        answered = {n["id"].split(":", 1)[1]: n["properties"] for n in store.nodes_by_label("Answer", limit=1000)}
        assert sorted(saved) == sorted(world.criteria[:20])
        assert all(answered[c]["status"] == "met" for c in saved)  # no lost update
        assert record["version"] == world.version + 20  # one version per save, none counted twice


def _pids_that_answered(server: Server) -> set[str]:
    """Worker process ids seen in the error log's lines (each worker logs its own start)."""
    import re

    return {m.group(1) for line in server.lines for m in [re.search(r"Booting worker with pid: (\d+)", line)] if m}
