"""README command 1's server, as a new user meets it: ``cem serve`` on the embedded store runs
waitress, prints the one-time set-up URL, lets read-only commands run beside it (and refuses a
writing one in one line), writes an access log with request ids, and stops gracefully on SIGTERM."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

from kg import accounts
from kg.ops.serve import CHECKPOINT_SECONDS, GracefulWaitress, torch_build
from kg.store.embedded import EmbeddedStore
from tests.ops.server import Browser, Server, cem, cem_env, get

PASSWORD = "first-admin-pass-1"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A data folder whose store holds the bundled content, a community and a draft assessment."""
    folder = tmp_path_factory.mktemp("serve-data")
    env = cem_env({"CEM_DATA_DIR": str(folder), "CEM_EMBEDDING_CACHE": "off"})
    loaded = cem(env, "load")
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    from assessments import workflow as wf
    from assessments.checklist import DEFAULT_STANDARD

    store = EmbeddedStore(folder / "graph.kgl")
    try:
        wf.create_community(store, "community.ops-test", "运维测试社区")
        accounts.create_user(store, "comm-ops", PASSWORD, roles=("community",), community="community.ops-test")
        actor = wf.Actor.of(accounts.get_user(store, "comm-ops"))
        record = wf.open_assessment(store, actor, "community.ops-test", DEFAULT_STANDARD)
    finally:
        store.close()
    return folder, env, record.id


@pytest.fixture(scope="module")
def server(data):
    _folder, env, _ = data
    server = Server(env)
    try:
        server.wait_for(r"Serving the embedded store on http://127\.0\.0\.1:\d+/ \(waitress")
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_the_server_is_waitress_and_prints_a_one_time_setup_url(server):
    url = server.setup_url()
    assert url and re.fullmatch(r"http://127\.0\.0\.1:\d+/setup/[A-Za-z0-9_-]{32}", url), server.output[-2000:]
    status, _, headers = get(server.url + "/healthz")
    assert status == 200 and headers["Server"] == "cem" and re.fullmatch(r"[0-9a-f]{16}", headers["X-Request-ID"])
    assert "Werkzeug" not in server.output and "development server" not in server.output
    version, cuda = torch_build()
    assert f"torch {version}" in server.output  # the start-up log says which torch build is in use
    assert ("CUDA" in server.output) == (cuda is not None)


def test_the_first_admin_is_created_in_the_browser_while_cem_stats_runs_beside(server, data):
    _, env, _ = data
    url = server.setup_url()
    path = url.split(str(server.port), 1)[1]
    browser = Browser(server.url)
    stats_results = []

    def stats_beside():
        stats_results.append(cem(env, "stats", "--json"))

    beside = threading.Thread(target=stats_beside)
    beside.start()
    token = browser.csrf(path)
    status, body, _headers = browser.post(path, {"csrf_token": token, "username": "chief", "display_name": "站长",
                                                "password": PASSWORD, "confirm": PASSWORD})
    beside.join(timeout=120)
    assert status == 302, body[:500]
    assert browser.get("/admin/users")[0] == 200  # signed in as the new admin
    assert Browser(server.url).get(path)[0] == 404  # the token stopped working
    result = stats_results[0]
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["labels"]["Hazard"] > 10
    assert "holds the store; reading its checkpoint" in result.stderr
    # the new admin reaches readers beside the server within a checkpoint
    deadline = time.monotonic() + CHECKPOINT_SECONDS + 10
    while time.monotonic() < deadline:
        users = cem(env, "user", "list", "--json")
        if users.returncode == 0 and "chief" in users.stdout:
            break
        time.sleep(1)
    assert "chief" in users.stdout, users.stdout + users.stderr


def test_read_only_commands_work_beside_the_server(server, data, tmp_path):
    _, env, assessment_id = data
    exported = tmp_path / "graph.jsonl"
    runs = {
        "export": cem(env, "export", str(exported)),
        "search": cem(env, "search", "暴雨 地下车库", "--method", "keyword", "--json"),
        "course list": cem(env, "course", "list"),
        "certificates expiring": cem(env, "certificates", "expiring", "--days", "90"),
        "checklist list": cem(env, "checklist", "list"),
        "assessment export": cem(env, "assessment", "export", assessment_id, "--format", "json"),
    }
    for name, result in runs.items():
        assert result.returncode == 0, (name, result.stdout[-500:], result.stderr[-1500:])
        assert "holds the store; reading its checkpoint" in result.stderr, name
    assert exported.read_text(encoding="utf-8").count("\n") > 1000
    assert "course.first-responder" in runs["course list"].stdout
    assert json.loads(runs["assessment export"].stdout)["assessment"]["id"] == assessment_id


@pytest.mark.parametrize("args", [("user", "add", "clerk", "--role", "trainee", "--password-stdin"),
                                  ("load",), ("import", "/dev/null"),
                                  ("assessment", "add-community", "community.more", "又一个社区")])
def test_a_writing_command_says_in_one_line_that_the_server_holds_the_store(server, data, args):
    _, env, _ = data
    result = cem(env, *args, stdin="clerk-password-1\nclerk-password-1\n")
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert re.match(r"error: the running server \(pid \d+\) holds the embedded store .*graph\.kgl for writing: do "
                    r"this on the web pages instead, or stop the server and run the command again, or use Neo4j",
                    lines[0]), lines[0]


def test_the_access_log_has_a_line_per_request_with_its_id(server):
    _, _, headers = get(server.url + "/healthz?probe=access-log", headers={"User-Agent": "ops-test/1"})
    rid = headers["X-Request-ID"]
    line = server.wait_for(rf'"GET /healthz\?probe=access-log HTTP/1\.1" 200 \d+ "-" "ops-test/1" rid={rid} ',
                           timeout=10).string
    assert re.match(r"^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] ", line), line


def test_sigterm_stops_the_server_and_closes_the_store_once(data):
    folder, env, _ = data
    other = Server(dict(env, CEM_STORE=str(folder / "second.kgl")), "--no-load")
    other.wait_ready()
    assert other.stop() == 0
    assert other.output.count("stopped; the store is closed") == 1, other.output[-2000:]
    assert "stopping: no new connections" in other.output


def test_several_workers_are_refused_on_the_embedded_store(data):
    _, env, _ = data
    result = cem(env, "serve", "--workers", "2", "--port", "1")
    assert result.returncode == 1
    assert "the embedded store allows one process" in result.stderr


def test_sigterm_lets_requests_in_flight_finish():
    """The drain: after a stop request the listening socket closes, a request already in the app
    completes with its full answer, and only then does the server end."""
    from flask import Flask

    from web.requestlog import InFlight, RequestLogMiddleware

    app = Flask("slow")

    @app.get("/slow")
    def slow():
        time.sleep(1.5)
        return "finished " * 1000

    in_flight = InFlight()
    app.wsgi_app = RequestLogMiddleware(app.wsgi_app, trust_incoming_id=False, in_flight=in_flight)
    server = GracefulWaitress(app, host="127.0.0.1", port=0, threads=2, in_flight=in_flight, grace=10)
    port = server.port
    runner = threading.Thread(target=server.serve)
    runner.start()
    answers = []
    client = threading.Thread(target=lambda: answers.append(get(f"http://127.0.0.1:{port}/slow", timeout=20)))
    client.start()
    deadline = time.monotonic() + 5
    while in_flight.count == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert in_flight.count == 1
    server.request_stop()
    runner.join(timeout=20)
    client.join(timeout=20)
    assert not runner.is_alive()
    assert answers and answers[0][0] == 200 and answers[0][1] == "finished " * 1000
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/slow", timeout=2)
