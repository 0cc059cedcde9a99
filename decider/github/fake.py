"""A fake GitHub REST API over real HTTP, for tests, the bench and trying decider offline.

A small WSGI app on the standard library's wsgiref server (a thread per request): no extra
dependency, and unlike a mock it is reached through real sockets, so the client's headers,
pagination, ETags and retries are what is tested. pytest-httpserver was the alternative; its
expectations are declared per request, while this app keeps state (a repository's history
grows, a token is revoked, a run completes) the way GitHub does.

It serves what the sync reads: the repository, the workflow folder and files, the runs list
(with `created` filter, `per_page`/`page` and `Link` headers), a run's jobs (all attempts with
`filter=all`, or one attempt), and an App installation token for a signed JWT. Every answer
has an ETag and answers `If-None-Match` with 304; rate-limit headers count down (304s are
free, as on GitHub). `fail()` makes the next matching requests fail (403 with `retry-after`,
429, 502, 401, 404...). Recorded exchanges (`replay`) answer exactly as recorded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
RATE_LIMIT = 5000
ALL_PERMISSIONS = frozenset({"metadata", "actions", "contents"})


@dataclass
class Fault:
    path: re.Pattern[str]
    status: int
    headers: dict[str, str]
    times: int


@dataclass
class Seen:
    method: str
    path: str
    query: str
    conditional: bool
    status: int


@dataclass
class FakeRepository:
    full_name: str
    default_branch: str = "main"
    files: dict[str, str] = field(default_factory=dict)  # path -> YAML
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> run object
    jobs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # run id -> jobs


class FakeGitHub:
    """The state and the WSGI app. Thread-safe: requests and test code share one lock."""

    def __init__(self) -> None:
        self.repositories: dict[str, FakeRepository] = {}
        self.tokens: dict[str, frozenset[str]] = {}
        self.apps: dict[int, str] = {}  # app id -> public key PEM
        self.installations: set[int] = set()
        self.faults: list[Fault] = []
        self.replays: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.seen: list[Seen] = []
        self.remaining = RATE_LIMIT
        self.listing_cap = 1000
        self.delay_s = 0.0  # added to every answer, to make a sync last (tests of a kill)
        self.lock = threading.RLock()

    # -- set-up --------------------------------------------------------------------------

    def repository(self, full_name: str, default_branch: str = "main") -> FakeRepository:
        with self.lock:
            return self.repositories.setdefault(
                full_name, FakeRepository(full_name, default_branch)
            )

    def allow(self, token: str, permissions: Iterable[str] = ALL_PERMISSIONS) -> None:
        with self.lock:
            self.tokens[token] = frozenset(permissions)

    def add_app(self, app_id: int, public_key_pem: str, installation_id: int) -> None:
        with self.lock:
            self.apps[app_id] = public_key_pem
            self.installations.add(installation_id)

    def add_run(self, full_name: str, run: dict[str, Any], jobs: list[dict[str, Any]]) -> None:
        with self.lock:
            repository = self.repository(full_name)
            repository.runs[int(run["id"])] = run
            repository.jobs[int(run["id"])] = jobs

    def fail(
        self, path: str, status: int, times: int = 1, headers: dict[str, str] | None = None
    ) -> None:
        """The next `times` requests whose path matches the regex `path` get `status`."""
        with self.lock:
            self.faults.append(Fault(re.compile(path), status, headers or {}, times))

    def replay(
        self, path_and_query: str, status: int, headers: dict[str, str], body: bytes
    ) -> None:
        """Answer this exact path and query as recorded ({base} in headers is this server)."""
        with self.lock:
            self.replays[_replay_key(path_and_query)] = (status, headers, body)

    def requests(self, path_part: str = "") -> list[Seen]:
        with self.lock:
            return [seen for seen in self.seen if path_part in seen.path]

    # -- the WSGI app --------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        base = f"http://{environ.get('HTTP_HOST', 'localhost')}"
        etag_asked = environ.get("HTTP_IF_NONE_MATCH", "")
        if self.delay_s:
            time.sleep(self.delay_s)
        with self.lock:
            status, headers, body = self._answer(method, path, query, base, environ)
            if status == 200 and method == "GET":
                etag = 'W/"' + hashlib.sha1(body, usedforsecurity=False).hexdigest() + '"'
                headers["ETag"] = etag
                if etag_asked == etag:
                    status, body = 304, b""
            if status != 304:
                self.remaining = max(0, self.remaining - 1)
            headers.setdefault("x-ratelimit-limit", str(RATE_LIMIT))
            headers.setdefault("x-ratelimit-remaining", str(self.remaining))
            headers.setdefault("x-ratelimit-reset", str(int(time.time()) + 3600))
            self.seen.append(Seen(method, path, query, bool(etag_asked), status))
        if body:
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        start_response(f"{status} {_REASONS.get(status, 'Status')}", list(headers.items()))
        return [body]

    def _answer(
        self, method: str, path: str, query: str, base: str, environ: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes]:
        for fault in self.faults:
            if fault.times > 0 and fault.path.search(path):
                fault.times -= 1
                message = {"message": f"fake {fault.status}"}
                return fault.status, dict(fault.headers), json.dumps(message).encode()
        recorded = self.replays.get(_replay_key(f"{path}?{query}"))
        if recorded is not None:
            status, headers, body = recorded
            return status, {k: v.replace("{base}", base) for k, v in headers.items()}, body
        if method == "POST":
            match = re.fullmatch(r"/app/installations/(\d+)/access_tokens", path)
            if match:
                return self._installation_token(int(match[1]), environ)
            return _error(404, "Not Found")
        permissions = self._permissions(environ)
        if permissions is None:
            return _error(401, "Bad credentials")
        return self._route(path, parse_qs(query), base, permissions)

    def _permissions(self, environ: dict[str, Any]) -> frozenset[str] | None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        return self.tokens.get(token)

    def _installation_token(
        self, installation_id: int, environ: dict[str, Any]
    ) -> tuple[int, dict[str, str], bytes]:
        token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")[2]
        try:
            issuer = int(jwt.decode(token, options={"verify_signature": False})["iss"])
            jwt.decode(token, self.apps[issuer], algorithms=["RS256"])
        except (jwt.PyJWTError, KeyError, ValueError):
            return _error(401, "A JSON web token could not be decoded")
        if installation_id not in self.installations:
            return _error(404, "Not Found")
        issued = "ghs_fake" + hashlib.sha1(token.encode(), usedforsecurity=False).hexdigest()
        self.tokens[issued] = ALL_PERMISSIONS
        expires = datetime.now(UTC) + timedelta(hours=1)
        return 201, {}, json.dumps({"token": issued, "expires_at": _iso(expires)}).encode()

    def _route(
        self, path: str, query: dict[str, list[str]], base: str, permissions: frozenset[str]
    ) -> tuple[int, dict[str, str], bytes]:
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)?", path)
        repository = self.repositories.get(match[1]) if match else None
        if match is None or repository is None:
            return _error(404, "Not Found")
        rest = match[2] or ""
        needed = "actions" if rest.startswith("/actions") else "contents" if rest else "metadata"
        if needed not in permissions:
            return _error(403, "Resource not accessible by personal access token")
        if rest == "":
            return _ok(
                {
                    "full_name": repository.full_name,
                    "default_branch": repository.default_branch,
                    "private": True,
                }
            )
        if rest.startswith("/contents/"):
            return self._contents(repository, rest.removeprefix("/contents/"))
        if rest == "/actions/runs":
            return self._runs(repository, query, base, path)
        jobs = re.fullmatch(r"/actions/runs/(\d+)(?:/attempts/(\d+))?/jobs", rest)
        if jobs:
            return self._jobs(repository, int(jobs[1]), jobs[2], query, base, path)
        run = re.fullmatch(r"/actions/runs/(\d+)", rest)
        if run and int(run[1]) in repository.runs:
            return _ok(repository.runs[int(run[1])])
        return _error(404, "Not Found")

    def _contents(
        self, repository: FakeRepository, file_path: str
    ) -> tuple[int, dict[str, str], bytes]:
        file_path = file_path.rstrip("/")
        if file_path in repository.files:
            content = repository.files[file_path].encode()
            return _ok(
                {
                    "type": "file",
                    "path": file_path,
                    "name": file_path.rsplit("/", 1)[-1],
                    "sha": _sha(content),
                    "encoding": "base64",
                    "content": base64.encodebytes(content).decode(),
                }
            )
        listed = [
            {
                "type": "file",
                "name": name.rsplit("/", 1)[-1],
                "path": name,
                "sha": _sha(text.encode()),
            }
            for name, text in sorted(repository.files.items())
            if name.rsplit("/", 1)[0] == file_path
        ]
        if not listed:
            return _error(404, "Not Found")
        return _ok(listed)

    def _runs(
        self, repository: FakeRepository, query: dict[str, list[str]], base: str, path: str
    ) -> tuple[int, dict[str, str], bytes]:
        runs = sorted(repository.runs.values(), key=lambda run: -int(run["id"]))
        created = query.get("created", [""])[0]
        if created.startswith(">="):
            runs = [run for run in runs if run["created_at"] >= created[2:]]
        elif ".." in created:
            low, high = created.split("..", 1)
            runs = [run for run in runs if low <= run["created_at"][: len(high)] <= high]
        elif created:
            runs = [run for run in runs if run["created_at"].startswith(created)]
        total = len(runs)
        # Like GitHub: with a filter, only the first `listing_cap` runs can be paged through.
        if created:
            runs = runs[: self.listing_cap]
        chosen, headers = _paginate(runs, query, base, path)
        return _ok({"total_count": total, "workflow_runs": chosen}, headers)

    def _jobs(
        self,
        repository: FakeRepository,
        run_id: int,
        attempt: str | None,
        query: dict[str, list[str]],
        base: str,
        path: str,
    ) -> tuple[int, dict[str, str], bytes]:
        if run_id not in repository.runs:
            return _error(404, "Not Found")
        jobs = repository.jobs.get(run_id, [])
        run = repository.runs[run_id]
        if attempt is not None:
            jobs = [job for job in jobs if job.get("run_attempt", 1) == int(attempt)]
        elif query.get("filter", ["latest"])[0] != "all":
            jobs = [job for job in jobs if job.get("run_attempt", 1) == run.get("run_attempt", 1)]
        chosen, headers = _paginate(jobs, query, base, path)
        return _ok({"total_count": len(jobs), "jobs": chosen}, headers)


def _paginate(
    items: list[dict[str, Any]], query: dict[str, list[str]], base: str, path: str
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    per_page = min(100, max(1, int(query.get("per_page", ["30"])[0])))
    page = max(1, int(query.get("page", ["1"])[0]))
    last = max(1, -(-len(items) // per_page))
    links = []
    kept = {key: values[0] for key, values in query.items() if key != "page"}
    if page < last:
        links.append(f'<{base}{path}?{urlencode({**kept, "page": page + 1})}>; rel="next"')
        links.append(f'<{base}{path}?{urlencode({**kept, "page": last})}>; rel="last"')
    headers = {"Link": ", ".join(links)} if links else {}
    return items[(page - 1) * per_page : page * per_page], headers


def _replay_key(path_and_query: str) -> str:
    """The same request whatever the order of its query parameters (GitHub's `Link` headers
    and the recorded requests order them differently)."""
    path, _, query = path_and_query.partition("?")
    return f"{path}?{urlencode(sorted(parse_qsl(query)))}"


def _ok(data: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return 200, dict(headers or {}), json.dumps(data).encode()


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"message": message, "documentation_url": "https://docs.github.com/rest"}
    return status, {}, json.dumps(body).encode()


def _sha(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_REASONS = {
    200: "OK",
    201: "Created",
    304: "Not Modified",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


# -- serving ---------------------------------------------------------------------------


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Served:
    fake: FakeGitHub
    url: str
    server: WSGIServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve(fake: FakeGitHub, host: str = "127.0.0.1", port: int = 0) -> Served:
    """Serve `fake` in a background thread; port 0 picks a free one."""
    server = make_server(
        host, port, fake, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True, name="fake-github")
    thread.start()
    return Served(fake, f"http://{host}:{server.server_port}", server, thread)


# -- generated histories -----------------------------------------------------------------

HISTORY_REPOSITORY = "acme/widgets"
RUNNER_POOLS = (
    (["self-hosted", "linux", "small"], "small-pool"),
    (["self-hosted", "linux", "large"], "large-pool"),
)


def history_workflows(jobs_per_run: int) -> dict[str, str]:
    """ci.yml: a chain of `jobs_per_run - 1` jobs, then a call of the local reusable
    publish.yml, whose one job GitHub names `publish / push`."""
    lines = ["name: CI", "on: [push, pull_request]", "jobs:"]
    for index in range(1, jobs_per_run):
        labels, _ = RUNNER_POOLS[index % 2]
        lines.append(f"  job-{index:02d}:")
        lines.append(f"    runs-on: [{', '.join(labels)}]")
        if index > 1:
            lines.append(f"    needs: job-{(index - 1) // 2 or 1:02d}")
        lines.append("    steps:\n      - run: make")
    lines += [
        "  publish:",
        f"    needs: job-{jobs_per_run - 1:02d}",
        "    uses: ./.github/workflows/publish.yml",
    ]
    publish = "\n".join(
        [
            "name: Publish",
            "on: workflow_call",
            "jobs:",
            "  push:",
            "    runs-on: [self-hosted, linux, small]",
            "    steps:\n      - run: make publish",
        ]
    )
    return {
        ".github/workflows/ci.yml": "\n".join(lines) + "\n",
        ".github/workflows/publish.yml": publish + "\n",
    }


def generate_history(
    fake: FakeGitHub,
    *,
    runs: int,
    jobs_per_run: int = 30,
    full_name: str = HISTORY_REPOSITORY,
    end: datetime | None = None,
    in_progress: int = 0,
    first_id: int = 9_000_000_000,
    seed: int = 11,
    every: timedelta = timedelta(minutes=30),
) -> None:
    """`runs` runs of CI, one per `every` (30 minutes) back from `end`, each with
    `jobs_per_run` (2 or more) jobs. Every 20th run was re-run (attempt 2 re-ran its first
    job); the newest `in_progress` runs are still running (their later jobs queued)."""
    rng = random.Random(seed)
    end = end or datetime.now(UTC).replace(microsecond=0)
    repository = fake.repository(full_name)
    repository.files.update(history_workflows(jobs_per_run))
    names = [f"job-{index:02d}" for index in range(1, jobs_per_run)] + ["publish / push"]
    job_id = first_id * 100
    for number in range(runs):
        run_id = first_id + number
        created = end - every * (runs - number)
        running = number >= runs - in_progress
        attempts = 2 if number % 20 == 19 and not running else 1
        jobs: list[dict[str, Any]] = []
        for attempt in range(1, attempts + 1):
            for index, name in enumerate(names if attempt == 1 else names[:1]):
                job_id += 1
                labels, group = RUNNER_POOLS[(index + 1) % 2]
                queued = created + timedelta(seconds=index * 20 + (attempt - 1) * 3600)
                started = queued + timedelta(seconds=rng.randint(2, 90))
                finished = started + timedelta(seconds=rng.randint(30, 600))
                unfinished = running and index >= 3
                jobs.append(
                    _job(
                        job_id,
                        run_id,
                        attempt,
                        name,
                        full_name,
                        labels,
                        group,
                        queued,
                        None if unfinished and index > 4 else started,
                        None if unfinished else finished,
                        "failure" if attempts == 2 and attempt == 1 and index == 0 else "success",
                    )
                )
        updated = max(
            (datetime.fromisoformat(job["completed_at"]) for job in jobs if job["completed_at"]),
            default=created,
        )
        fake.add_run(
            full_name,
            _run(run_id, number + 1, attempts, full_name, created, updated, running),
            jobs,
        )


def finish_runs(fake: FakeGitHub, full_name: str = HISTORY_REPOSITORY) -> int:
    """Complete every run still in progress (as time passing would); returns how many."""
    finished = 0
    with fake.lock:
        repository = fake.repositories[full_name]
        for run_id, run in repository.runs.items():
            if run["status"] == "completed":
                continue
            latest = datetime.fromisoformat(run["created_at"])
            for job in repository.jobs[run_id]:
                started = datetime.fromisoformat(job["started_at"] or job["created_at"])
                started += timedelta(seconds=5)
                done = started + timedelta(seconds=120)
                job.update(
                    status="completed",
                    conclusion="success",
                    started_at=_iso(started),
                    completed_at=_iso(done),
                )
                latest = max(latest, done)
            run.update(status="completed", conclusion="success", updated_at=_iso(latest))
            finished += 1
    return finished


def _run(
    run_id: int,
    number: int,
    attempts: int,
    full_name: str,
    created: datetime,
    updated: datetime,
    running: bool,
) -> dict[str, Any]:
    api = f"https://api.github.com/repos/{full_name}/actions/runs/{run_id}"
    return {
        "id": run_id,
        "name": "CI",
        "path": ".github/workflows/ci.yml",
        "head_branch": "main" if number % 3 else f"feature-{number}",
        "event": "push" if number % 3 else "pull_request",
        "status": "in_progress" if running else "completed",
        "conclusion": None if running else "success",
        "workflow_id": 1,
        "run_number": number,
        "run_attempt": attempts,
        "created_at": _iso(created),
        "run_started_at": _iso(created),
        "updated_at": _iso(updated),
        "url": api,
        "jobs_url": f"{api}/jobs",
        "html_url": f"https://github.com/{full_name}/actions/runs/{run_id}",
    }


def _job(
    job_id: int,
    run_id: int,
    attempt: int,
    name: str,
    full_name: str,
    labels: list[str],
    group: str,
    created: datetime,
    started: datetime | None,
    completed: datetime | None,
    conclusion: str,
) -> dict[str, Any]:
    status = "completed" if completed else "in_progress" if started else "queued"
    return {
        "id": job_id,
        "run_id": run_id,
        "run_attempt": attempt,
        "workflow_name": "CI",
        "name": name,
        "status": status,
        "conclusion": conclusion if completed else None,
        "created_at": _iso(created),
        "started_at": _iso(started) if started else None,
        "completed_at": _iso(completed) if completed else None,
        "labels": labels,
        "runner_id": job_id % 50 if started else None,
        "runner_name": f"{group}-{job_id % 7}" if started else None,
        "runner_group_id": 2 if started else None,
        "runner_group_name": group if started else None,
        "run_url": f"https://api.github.com/repos/{full_name}/actions/runs/{run_id}",
        "steps": [],
    }


def iter_recorded_cassette(
    cassette: dict[str, Any], owner_repo: str
) -> Iterator[tuple[str, int, dict[str, str], bytes]]:
    """A VCR cassette's GET exchanges as (path?query, status, headers, body), with the redacted
    repository named `owner_repo` and GitHub's address replaced by `{base}`."""
    for interaction in cassette.get("http_interactions", []):
        request, response = interaction["request"], interaction["response"]
        uri = request["uri"].replace("<GITHUB_LOGIN>/<GITHUB_TEST_REPOSITORY>", owner_repo)
        path_and_query = uri.removeprefix("https://api.github.com")
        body = response["body"]
        raw = (
            base64.b64decode(body["base64_string"])
            if body.get("base64_string")
            else body.get("string", "").encode()
        )
        raw = raw.replace(b"<GITHUB_LOGIN>/<GITHUB_TEST_REPOSITORY>", owner_repo.encode())
        headers = {}
        for name, values in response["headers"].items():
            if name.lower() in ("link", "etag"):
                value = values[0].replace("https://api.github.com", "{base}")
                headers[name] = value.replace("<GITHUB_LOGIN>/<GITHUB_TEST_REPOSITORY>", owner_repo)
        yield path_and_query, int(response["status"]["code"]), headers, raw
