"""Benchmark: the what-if round trips against a real gunicorn, beside a bare constant view.

One run starts its own server (a temporary SQLite database with the demo loaded, gunicorn with
one sync worker on 127.0.0.1, DEBUG off), logs in like a browser, and times, interleaved:
- the htmx recalculation: POST scenario_calculate with the form and headers htmx sends;
- the deferred verdict: POST scenario_verdict, cold (inputs never seen, so the Monte Carlo runs)
  and cached (the same inputs again);
- GET /healthz, the bare view: what any request costs (WSGI, middleware, loopback HTTP).
- the workflow's pages: GET the what-if page and the repository page.
Targets (from the issue): recalculation p95 < 100 ms and at most 2x the bare view's p95.
When the recalculation misses one, the view is profiled in-process (django.test.Client).

History axis (`--history demo,10k,100k`): before the server starts, that many generated job
runs are imported (`import_runs`, as a user would) into the demo's mural-api workflow, so the
same requests are timed with a small and a long measured history. Targets at 100k job runs
(issue 10): recalculation p95 < 50 ms, pages < 300 ms.

Run from the repository root: `python bench/web.py [--requests 200] [--history demo,100k]`.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
DEMO_SCENARIO = "Parallel production builds"
TARGET_P95_MS = 100.0
TARGET_RATIO = 2.0
WARM_UP = 20
PROFILED_REQUESTS = 50

Fields = list[tuple[str, str]]


class FormFields(HTMLParser):
    """The name/value pairs a browser posts from the form with `form_id`."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields: Fields = []
        self._inside = False
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._inside = attributes.get("id") == self.form_id
        elif not self._inside:
            return
        elif tag == "input" and "name" in attributes:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "reset", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.fields.append((attributes["name"], attributes.get("value", default)))
        elif tag == "select":
            self._select, self._options = attributes["name"], []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value", ""), "selected" in attributes))
        elif tag == "textarea":
            self._textarea, self._text = attributes["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected] or [
                self._options[0][0]
            ]
            self.fields.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline Django writes right after <textarea>.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_fields(html: str, form_id: str) -> Fields:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def with_value(fields: Fields, name: str, value: str) -> Fields:
    return [(key, value if key == name else old) for key, old in fields]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[str]:
    """One sync worker on loopback; stopped on the way out, whatever happened."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "decider.wsgi:application",
        "--workers=1",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=10) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Browser:
    """Cookies and the CSRF token, as a browser keeps them; one connection per request, like
    gunicorn's sync worker allows."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base_url}{path}", timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: Fields, headers: dict[str, str] | None = None) -> str:
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
            method="POST",
        )
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        landing = self.post(
            "/login/",
            [("csrfmiddlewaretoken", token[1]), ("username", username), ("password", password)],
        )
        if 'action="/logout/"' not in landing:
            raise RuntimeError("logging in failed")


@dataclass
class Timings:
    label: str
    seconds: list[float] = field(default_factory=list)

    def percentile_ms(self, percent: int) -> float:
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[percent - 1] * 1000

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        return self.percentile_ms(95)


def timed(timings: Timings, request: Callable[[], Any]) -> None:
    started = time.perf_counter()
    request()
    timings.seconds.append(time.perf_counter() - started)


def prepare_database(env: dict[str, str], history: int, scratch: Path) -> None:
    commands = [["migrate", "--no-input"], ["load_demo"]]
    if history:
        sys.path.insert(0, str(ROOT / "bench"))
        from imports import write_csv

        keys = [
            "build-test-image-api",
            "build-production-api",
            "lint-and-unit-api",
            "test-api-integration",
            "publish-api",
        ]
        runs_csv = scratch / "history.csv"
        write_csv(runs_csv, history, keys)
        commands.append(
            ["import_runs", str(runs_csv), "--team", "demo", "--repo", "tactivos/mural-api"]
        )
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity=0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def demo_ids() -> tuple[int, int]:
    from decider.models import Scenario

    scenario = Scenario.objects.get(name=DEMO_SCENARIO)
    return scenario.pk, scenario.workflow_id


def measure(base_url: str, requests: int) -> list[Timings]:
    scenario_id, workflow_id = demo_ids()
    browser = Browser(base_url)
    browser.log_in("demo", "demo")
    page_path = f"/scenarios/{scenario_id}/"
    page = browser.get(page_path)
    form = form_fields(page, "scenario-form")
    csrf = dict(form)["csrfmiddlewaretoken"]
    calculate_path = f"/workflows/{workflow_id}/scenarios/calculate/"
    verdict_path = f"/workflows/{workflow_id}/scenarios/verdict/"

    def htmx(target: str, trigger: str | None = None) -> dict[str, str]:
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"{base_url}{page_path}",
            "HX-Target": target,
            "X-CSRFToken": csrf,
        }
        return headers | ({"HX-Trigger": trigger} if trigger else {})

    runners = next(name for name, _ in form if name.startswith("runners_"))
    # A fresh pipelines/month per cold request: a new cache key, the same simulation work.
    fresh = iter(range(1000, 1_000_000))

    def recalculate(index: int) -> None:
        body = with_value(form, runners, str(2 + index % 6))
        if 'id="results"' not in browser.post(
            calculate_path, body, htmx("results", "scenario-form")
        ):
            raise RuntimeError("the recalculation returned no results panel")

    def verdict(body: Fields) -> None:
        if 'class="ask"' not in browser.post(verdict_path, body, htmx("decision")):
            raise RuntimeError("the verdict returned no ask")

    def cold() -> None:
        verdict(with_value(form, "pipelines_per_month", str(next(fresh))))

    repository_path = f"/repositories/{repository_id()}/"
    new_path = f"/workflows/{workflow_id}/scenarios/new/"
    endpoints = [
        (Timings("GET /healthz (bare view)"), lambda index: browser.get("/healthz")),
        (Timings("GET what-if page (scenario_new)"), lambda index: browser.get(new_path)),
        (Timings("GET repository page"), lambda index: browser.get(repository_path)),
        (Timings("POST scenario_calculate (htmx recalculation)"), recalculate),
        (Timings("POST scenario_verdict, cached"), lambda index: verdict(form)),
        (Timings("POST scenario_verdict, cold (Monte Carlo)"), lambda index: cold()),
    ]
    for index in range(WARM_UP):
        for _, request in endpoints:
            request(index)
    # Interleaved, so a slow moment of the machine hits every endpoint alike.
    for index in range(requests):
        for timings, request in endpoints:
            timed(timings, lambda: request(index))  # noqa: B023
    return [timings for timings, _ in endpoints]


def repository_id() -> int:
    from decider.models import Repository

    return Repository.objects.get(name="tactivos/mural-api").pk


def report(results: list[Timings]) -> tuple[Timings, Timings]:
    bare, recalculation = results[0], results[3]
    print(f"{'endpoint':<48} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  (n)")
    for timings in results:
        print(
            f"{timings.label:<48} {timings.p50_ms:8.1f} {timings.p95_ms:8.1f} "
            f"{max(timings.seconds) * 1000:8.1f}  ({len(timings.seconds)})"
        )
    ratio = recalculation.p95_ms / bare.p95_ms
    under = recalculation.p95_ms < TARGET_P95_MS
    print(
        f"recalculation p95 {recalculation.p95_ms:.1f} ms < {TARGET_P95_MS:g} ms: "
        f"{'holds' if under else 'MISSED'}"
    )
    print(
        f"recalculation p95 / bare p95 = {ratio:.1f}x <= {TARGET_RATIO:g}x: "
        f"{'holds' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    return bare, recalculation


@contextmanager
def stopwatch(totals: dict[str, float], patches: dict[str, tuple[Any, str]]) -> Iterator[None]:
    """Wrap each `owner.attribute` so its wall time adds up in `totals[label]`."""

    def timer(label: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.perf_counter() - started

        return wrapper

    with ExitStack() as stack:
        for label, (owner, attribute) in patches.items():
            original = getattr(owner, attribute)
            stack.enter_context(mock.patch.object(owner, attribute, timer(label, original)))
        yield


def profile_recalculation() -> None:
    """Where a recalculation's time goes, in-process: parts timed by wrappers, SQL by a
    database execute wrapper, then cProfile's top functions."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from decider.adapter import inputs, results, whatif
    from decider.web import access
    from decider.web.forms.scenario import ScenarioForm
    from decider.web.views import scenarios as scenario_views

    scenario_id, workflow_id = demo_ids()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="demo"))
    page = client.get(f"/scenarios/{scenario_id}/").content.decode()
    form = dict(form_fields(page, "scenario-form"))
    form.pop("csrfmiddlewaretoken")
    path = f"/workflows/{workflow_id}/scenarios/calculate/"

    def recalculate() -> None:
        response = client.post(path, form, headers={"HX-Request": "true"})
        assert response.status_code == 200 and b'id="results"' in response.content

    for _ in range(WARM_UP):
        recalculate()
        client.get("/healthz")
    started = time.perf_counter()
    for _ in range(PROFILED_REQUESTS):
        client.get("/healthz")
    bare_s = (time.perf_counter() - started) / PROFILED_REQUESTS

    sql = {"queries": 0, "seconds": 0.0}

    def count_sql(execute: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            sql["queries"] += 1
            sql["seconds"] += time.perf_counter() - started

    parts = {
        "access.workflow_or_404 (ORM)": (access, "workflow_or_404"),
        "engine_workflow (ORM rows -> engine model)": (whatif, "engine_workflow"),
        "  of which stored_runs (job runs, cached)": (inputs, "stored_runs"),
        "engine_pools (ORM rows -> engine model)": (whatif, "engine_pools"),
        "ScenarioForm(...) fields": (ScenarioForm, "__init__"),
        "form validation -> engine Scenario": (ScenarioForm, "full_clean"),
        "engine analyze (run_analysis, no verdict)": (whatif, "run_analysis"),
        "build_results (words, rows, charts)": (whatif, "build_results"),
        "  of which Gantt SVGs": (results, "gantt_svg"),
        "  of which runners-busy SVGs": (results, "concurrency_svg"),
        "template rendering (render #live)": (scenario_views, "render"),
    }
    totals: dict[str, float] = {}
    started = time.perf_counter()
    with stopwatch(totals, parts), connection.execute_wrapper(count_sql):
        for _ in range(PROFILED_REQUESTS):
            recalculate()
    request_s = (time.perf_counter() - started) / PROFILED_REQUESTS

    print(f"\nProfile of the recalculation, in-process, mean of {PROFILED_REQUESTS} requests:")
    print(f"  {'GET /healthz through the test client':<46} {bare_s * 1000:7.1f} ms")
    print(f"  {'whole recalculation through the test client':<46} {request_s * 1000:7.1f} ms")
    for label in parts:
        print(f"  {label:<46} {totals.get(label, 0.0) / PROFILED_REQUESTS * 1000:7.1f} ms")
    print(
        f"  {'SQL execute() calls (row fetching excluded)':<46} "
        f"{sql['seconds'] / PROFILED_REQUESTS * 1000:7.1f} ms "
        f"({sql['queries'] / PROFILED_REQUESTS:.0f} queries per request)"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED_REQUESTS):
        recalculate()
    profiler.disable()
    print(f"\ncProfile, top functions by cumulative time ({PROFILED_REQUESTS} requests):")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"decider|django/template/(base|loader)", 25)


HISTORY_SIZES = {"demo": 0, "10k": 10_000, "100k": 100_000}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--requests", type=int, default=200, help="requests per endpoint")
    arguments.add_argument("--profile", action="store_true", help="profile even if on target")
    arguments.add_argument(
        "--history", default="demo", help="comma-separated: demo, 10k, 100k (job runs added)"
    )
    options = arguments.parse_args()
    sizes = options.history.split(",")
    if len(sizes) > 1:
        # One process per size: each has its own database and Django set-up.
        for size in sizes:
            command = [sys.executable, __file__, "--requests", str(options.requests)]
            command += ["--history", size] + (["--profile"] if options.profile else [])
            subprocess.run(command, check=True)
        return
    print(f"\n== history: {sizes[0]} ({HISTORY_SIZES[sizes[0]]:,} job runs added to the demo) ==")
    run_once(HISTORY_SIZES[sizes[0]], options)


def run_once(history: int, options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="decider-web-bench-") as scratch:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{Path(scratch) / 'bench.sqlite3'}",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_SETTINGS_MODULE": "decider.settings",
            "PYTHONPATH": str(ROOT),
        }
        os.environ.update(env)
        prepare_database(env, history, Path(scratch))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

        with gunicorn(env, free_port()) as base_url:
            results = measure(base_url, options.requests)
        bare, recalculation = report(results)
        missed = (
            recalculation.p95_ms >= TARGET_P95_MS
            or recalculation.p95_ms / bare.p95_ms > TARGET_RATIO
        )
        if options.profile or (missed and history == 0):
            profile_recalculation()


if __name__ == "__main__":
    main()
