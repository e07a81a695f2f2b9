"""Run ``cem`` as a real process (the production server, the CLI beside it) for the operations
tests: only loopback addresses, bounded waits, every process stopped by the test that started it."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cem_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CEM_", "NEO4J_"))}
    env.update(PYTHONPATH=str(ROOT), CEM_LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def cem(env: dict[str, str], *args: str, timeout: float = 120, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run one ``cem`` command to its end."""
    return subprocess.run([sys.executable, "-m", "kg", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, input=stdin)


def get(url: str, *, timeout: float = 10, headers: dict | None = None) -> tuple[int, str, Any]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace"), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), exc.headers


class Server:
    """``cem serve`` in a child process; its output is collected as it comes."""

    def __init__(self, env: dict[str, str], *args: str, port: int | None = None):
        self.port = port or free_port()
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--port", str(self.port), *args],
                                     env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise AssertionError(f"the server exited ({self.proc.returncode}):\n{self.output[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s:\n{self.output[-3000:]}")

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited ({self.proc.returncode}):\n{self.output[-3000:]}")
            try:
                if get(self.url + "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"/healthz never answered 200 within {timeout} s:\n{self.output[-3000:]}")

    def setup_url(self) -> str | None:
        for line in self.lines:
            found = re.search(r"(http://\S+/setup/\S+)", line)
            if found:
                return found.group(1)
        return None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._reader.join(timeout=5)
        return self.proc.returncode

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _body(response) -> str:
    """A response's body as far as it came: a server killed while sending it has still answered
    with its status line and headers (a 302 after a write is the write acknowledged)."""
    try:
        return response.read().decode("utf-8", "replace")
    except http.client.IncompleteRead as exc:
        return exc.partial.decode("utf-8", "replace")


class Browser:
    """A person's browser against a real server: cookies, forms with their CSRF token; redirects
    are not followed (the status says what happened)."""

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None, *, timeout: float = 120,
                files: dict | None = None) -> tuple[int, str, Any]:
        import urllib.parse

        body, headers = None, {}
        if files:
            boundary = "cem-test-boundary-7f3a"
            parts = []
            for key, value in (data or {}).items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                             f'{value}\r\n'.encode())
            for key, (name, content) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{name}"\r\n'
                             "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, _body(response), response.headers
        except urllib.error.HTTPError as exc:
            return exc.code, _body(exc), exc.headers

    def get(self, path: str, **kw) -> tuple[int, str, Any]:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> tuple[int, str, Any]:
        return self.request("POST", path, data, **kw)

    def csrf(self, path: str) -> str:
        status, body, _ = self.get(path)
        found = CSRF_RE.search(body)
        assert found, f"no form on {path} ({status})"
        return found.group(1)

    def login(self, username: str, password: str) -> int:
        token = self.csrf("/login")
        return self.post("/login", {"csrf_token": token, "username": username, "password": password})[0]
