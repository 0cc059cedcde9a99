"""The simulated people of `bench/load.py` (run it, not this file: it prepares what this reads).

Each person signs in as their own user, then repeats a working session on one of their team's
three saved scenarios, which the nine other members of the team edit too:
open it (the what-if page), make 1-3 edits (each an htmx recalculation, followed by the
verdict request the page sends once the results are swapped in), save it as the next version
(the form carries the version it was opened at), and now and then compare the team's
scenarios, export a PDF or look at the repository page.

Think time: 5-15 s (uniform, 10 s on average) between two actions of a session and between
sessions. After an edit the page shows a verdict in words, a dozen key figures and two charts:
reading what moved takes several seconds, more than the 7 s mean think time the TPC-W web
benchmark gives a shopper between pages; htmx already merges the keystrokes of one edit into
one request. That makes 50 people who never stop working, each asking for a new verdict about
every 10 s: busier than 50 real users of a planning tool, who also read, talk and switch tasks.

A save refused as stale (409: someone saved a newer version since this person opened it) is
the product working: it is counted apart, and the person re-opens the scenario (its newest
version), applies the same edits again and saves, up to MAX_SAVE_ATTEMPTS times. A PDF turned
away (503, the per-process cap on renders) is retried after its Retry-After, as a person
clicking again would; the time to the file, waits included, is reported as its own action.
Every other answer that is not what a browser expects is an error.

Written for `bench/load.py`: each request goes to LOAD_REQUESTS (CSV), each successful save
to LOAD_SAVES (JSON lines), so the driver computes exact percentiles and checks the database.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import sys
import time
from itertools import count
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, events, task
from locust.exception import RescheduleTask, StopUser
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from web import Fields, form_fields, with_value  # bench/web.py's form reader

MAX_SAVE_ATTEMPTS = 5
TIMEOUT_S = 120
THINK_S = (5.0, 15.0)
USERS = json.loads(Path(os.environ["LOAD_USERS"]).read_text())
_next_user = count()
_started = time.monotonic()
# Open for the whole run, closed when locust quits.
_requests = Path(os.environ["LOAD_REQUESTS"]).open("w", newline="")  # noqa: SIM115
_log = csv.writer(_requests)
_log.writerow(["at", "action", "status", "ms", "error"])
_saves = Path(os.environ["LOAD_SAVES"]).open("w")  # noqa: SIM115

# Actions whose answer decides their name in the report.
RENAMED = {("save version", 409): "save version, stale (409)"}


@events.test_start.add_listener
def _test_started(**_: Any) -> None:
    global _started
    _started = time.monotonic()


@events.request.add_listener
def _log_request(
    name: str, response_time: float, exception: Exception | None, response: Any = None, **_: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    action = RENAMED.get((name, status), name)
    error = "" if exception is None else str(exception)[:200].replace("\n", " ")
    _log.writerow(
        [f"{time.monotonic() - _started:.3f}", action, status, f"{response_time:.1f}", error]
    )


@events.user_error.add_listener
def _log_user_error(user_instance: Any, exception: Exception, tb: Any, **_: Any) -> None:
    """A session that broke off (a page without the form it should have, ...): an error."""
    message = f"{type(exception).__name__}: {exception}"[:200].replace("\n", " ")
    _log.writerow([f"{time.monotonic() - _started:.3f}", "session broke off", 0, "0", message])


@events.quitting.add_listener
def _close(**_: Any) -> None:
    _requests.close()
    _saves.close()


# What people change between saves: a pool's runners, the load, the money inputs. A handful of
# values each, as people try a few options; the server's cache of verdicts then answers the
# combinations tried before, as it would for a team exploring the same question.
EDITS = {
    "runners_": [str(runners) for runners in range(1, 9)],
    "pipelines_per_month": ["400", "600", "800", "1000", "1200"],
    "people_waiting": ["1", "2", "3", "4"],
}


def _random_edit(form: Fields) -> tuple[str, str]:
    prefix = random.choice(list(EDITS))
    names = [name for name, _ in form if name.startswith(prefix)]
    return random.choice(names), random.choice(EDITS[prefix])


def _applied(form: Fields, edits: list[tuple[str, str]]) -> Fields:
    for name, value in edits:
        form = with_value(form, name, value)
    return form


def _unexpected(response: Any, expected: str) -> str:
    """What came back instead, the connection's error when no answer came at all."""
    got = response.status_code or f"no answer ({response.error!r})"
    return f"{got}, expected {expected}"


def _record_save(note: str, **fields: Any) -> None:
    _saves.write(json.dumps({"note": note, **fields}) + "\n")
    _saves.flush()


def _think() -> None:
    gevent.sleep(random.uniform(*THINK_S))


class Editor(HttpUser):
    wait_time = between(*THINK_S)

    def on_start(self) -> None:
        index = next(_next_user)
        if index >= len(USERS):
            raise StopUser()
        self.user = USERS[index]
        self.saves = count(1)
        # A browser asks again, once, when the server closed a kept-alive connection just as a
        # page was asked for on it (gunicorn closes idle ones after 2 s); so does this person,
        # for pages only (GET), never for a save.
        # A 503 is not retried here: the PDF export honours its Retry-After itself, counted.
        retry = Retry(
            total=1,
            connect=1,
            read=1,
            status=0,
            allowed_methods={"GET"},
            respect_retry_after_header=False,
            raise_on_status=False,
        )
        self.client.mount("http://", HTTPAdapter(max_retries=retry))
        page = self._get("/login/", "sign-in form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        with self.client.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": token[1] if token else "",
                "username": self.user["username"],
                "password": self.user["password"],
            },
            name="sign in",
            timeout=TIMEOUT_S,
            catch_response=True,
        ) as response:
            if 'action="/logout/"' not in response.text:
                response.failure(f"signing in as {self.user['username']} failed")
                raise StopUser()

    # -- requests, each checked for what a browser expects --------------------------------

    def _get(self, path: str, name: str, expect: str = "") -> str:
        """The page's text; a failure is counted once and the session starts over."""
        with self.client.get(path, name=name, timeout=TIMEOUT_S, catch_response=True) as response:
            if response.status_code != 200 or expect not in response.text:
                response.failure(_unexpected(response, f"200 with {expect!r}"))
                raise RescheduleTask()
            return response.text

    def _htmx(self, path: str, name: str, form: Fields, scenario: int, expect: str) -> None:
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": f"{self.host}/scenarios/{scenario}/",
            "X-CSRFToken": dict(form)["csrfmiddlewaretoken"],
        }
        with self.client.post(
            path, data=form, headers=headers, name=name, timeout=TIMEOUT_S, catch_response=True
        ) as response:
            if response.status_code != 200 or expect not in response.text:
                response.failure(_unexpected(response, f"200 with {expect!r}"))

    def _open(self, scenario: int) -> Fields:
        """The scenario's page as the latest version; its form as a browser would post it."""
        page = self._get(f"/scenarios/{scenario}/", "what-if page", 'id="scenario-form"')
        return form_fields(page, "scenario-form")

    # -- the session ---------------------------------------------------------------------

    @task
    def edit_save_and_share(self) -> None:
        scenario = random.choice(self.user["scenarios"])
        form = self._open(scenario)
        edits = [_random_edit(form) for _ in range(random.randint(1, 3))]
        for number in range(len(edits)):
            _think()
            form = _applied(form, edits[: number + 1])
            self._recalculate(scenario, form)
        _think()
        self._save(scenario, form, edits)
        roll = random.random()
        if roll < 0.25:
            _think()
            ids = "&".join(f"id={pk}" for pk in self.user["scenarios"])
            self._get(f"/scenarios/compare/?{ids}", "compare 3 scenarios", "<table")
        elif roll < 0.45:
            _think()
            self._pdf(scenario)
        elif roll < 0.75:
            _think()
            path = f"/repositories/{self.user['repository']}/"
            self._get(path, "repository page", "tactivos/mural-api")

    def _recalculate(self, scenario: int, form: Fields) -> None:
        base = f"/workflows/{self.user['workflow']}/scenarios"
        self._htmx(f"{base}/calculate/", "recalculation (htmx)", form, scenario, 'id="results"')
        self._htmx(
            f"{base}/verdict/", "verdict (htmx, after recalculation)", form, scenario, 'class="ask"'
        )

    def _save(self, scenario: int, form: Fields, edits: list[tuple[str, str]]) -> None:
        for _attempt in range(MAX_SAVE_ATTEMPTS):
            note = f"{self.user['username']} save {next(self.saves)}"
            version = int(dict(form)["save-version"])
            # Written before the request goes out, so a save whose answer never came back
            # (the run ended, a connection broke) is known to the database check too.
            _record_save(note, scenario=scenario, version=version + 1, user=self.user)
            with self.client.post(
                f"/scenarios/{scenario}/",
                data=with_value(form, "save-note", note),
                name="save version",
                allow_redirects=False,
                timeout=TIMEOUT_S,
                catch_response=True,
            ) as response:
                _record_save(note, answer=response.status_code)
                if response.status_code == 409:
                    response.success()  # optimistic locking at work, counted apart
                elif response.status_code != 302:
                    response.failure(_unexpected(response, "302 or 409"))
                    return
            if response.status_code == 302:
                self._open(scenario)  # the browser follows the redirect to the saved page
                return
            # Stale: re-open the newest version, do the same edits again, save again.
            gevent.sleep(random.uniform(1.0, 3.0))
            form = _applied(self._open(scenario), edits)

    def _pdf(self, scenario: int) -> None:
        started = time.monotonic()
        for _attempt in range(20):
            with self.client.get(
                f"/scenarios/{scenario}/pdf/",
                name="PDF export (one request)",
                timeout=TIMEOUT_S,
                catch_response=True,
            ) as response:
                if response.status_code == 503:
                    response.success()  # the cap on renders at work: wait and ask again
                    wait_s = float(response.headers.get("Retry-After", "10"))
                elif response.status_code != 200 or not response.content.startswith(b"%PDF"):
                    response.failure(_unexpected(response, "a PDF"))
                    return
                else:
                    events.request.fire(
                        request_type="FLOW",
                        name="PDF export, time to file incl. retries",
                        response_time=(time.monotonic() - started) * 1000,
                        response_length=len(response.content),
                        exception=None,
                        context={},
                    )
                    return
            gevent.sleep(wait_s)
