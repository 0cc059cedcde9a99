"""A small GitHub REST client on httpx: conditional requests, pagination, rate limits, retries.

httpx rather than an SDK: the sync needs exactly four things an SDK hides or decides for us
(ETags kept in our own database, the `Link` next page, the rate-limit headers shown to the
user as the sync runs, and a retry policy that reports why it waits), and httpx gives them with
a connection pool, timeouts and a sync API. Nothing here imports Django.

Errors carry a plain sentence saying what to fix and never the token: GitHub's own error text
is not echoed either (it can quote the request).
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
USER_AGENT = "decider-sync"

# Retries of one request: 5xx and network errors back off 1, 2, 4, 8 s (times `backoff_s`).
MAX_TRIES = 5
# Longer than this, a rate-limit wait stops the sync instead (it says when to try again).
MAX_RATE_LIMIT_WAIT_S = 15 * 60

_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubError(Exception):
    """A request GitHub refused for good: `message` says what to fix, in plain words."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AuthenticationFailed(GitHubError):
    pass


class NotFound(GitHubError):
    pass


class AccessDenied(GitHubError):
    pass


class RateLimited(GitHubError):
    """The wait GitHub asks for is longer than a sync should sleep."""


class Unavailable(GitHubError):
    pass


@dataclass
class RateLimit:
    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None

    def read(self, headers: httpx.Headers) -> None:
        limit, remaining = headers.get("x-ratelimit-limit"), headers.get("x-ratelimit-remaining")
        reset = headers.get("x-ratelimit-reset")
        if limit and limit.isdigit():
            self.limit = int(limit)
        if remaining and remaining.isdigit():
            self.remaining = int(remaining)
        if reset and reset.isdigit():
            self.reset_at = datetime.fromtimestamp(int(reset), tz=UTC)


@dataclass
class Page:
    """One answer: the JSON (None on 304), its ETag, and the next page's URL if any."""

    status: int
    data: Any
    text: str
    etag: str
    next_url: str | None
    url: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class Counters:
    requests: int = 0
    conditional: int = 0
    not_modified: int = 0
    retries: int = 0
    waited_s: float = 0.0
    rate: RateLimit = field(default_factory=RateLimit)


class GitHubClient:
    """GET (and the one POST of App authentication) against one API base URL.

    `token` is called before each request, so an App installation token is renewed when it
    expires. `sleep` and `backoff_s` exist so tests wait milliseconds, not seconds; `on_wait`
    hears why the client waits (shown as the sync's progress).
    """

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str] | None,
        *,
        backoff_s: float = 1.0,
        max_wait_s: float = MAX_RATE_LIMIT_WAIT_S,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str, float], None] | None = None,
        timeout_s: float = 30.0,
        max_tries: int = MAX_TRIES,
    ) -> None:
        self.max_tries = max_tries
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self._sleep = sleep
        self._on_wait = on_wait
        self.counters = Counters()
        self._origin = _origin(httpx.URL(self.base_url))
        self._http = httpx.Client(
            timeout=timeout_s,
            follow_redirects=True,
            # The token goes with every request: never to another host, whether a `Link`
            # header or a redirect points there.
            event_hooks={"request": [self._refuse_other_origins]},
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": USER_AGENT,
            },
        )

    def close(self) -> None:
        self._http.close()

    def _refuse_other_origins(self, request: httpx.Request) -> None:
        if _origin(request.url) != self._origin:
            raise GitHubError(
                f"{self.base_url} sent decider to {request.url.scheme}://{request.url.host}, "
                "another server; decider only asks the API URL of the connection."
            )

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    def get(self, path: str, params: dict[str, str | int] | None = None, etag: str = "") -> Page:
        """One GET; with `etag`, a conditional one (GitHub does not count a 304 against the
        rate limit)."""
        headers = {"If-None-Match": etag} if etag else {}
        response = self._send("GET", self.url(path), params=params, headers=headers, auth=True)
        if etag:
            self.counters.conditional += 1
        if response.status_code == 304:
            self.counters.not_modified += 1
            return Page(304, None, "", etag, None, str(response.url))
        return Page(
            response.status_code,
            _json(response),
            response.text,
            response.headers.get("etag", ""),
            _next_link(response.headers.get("link", "")),
            str(response.url),
        )

    def pages(self, path: str, params: dict[str, str | int] | None = None) -> Iterator[Page]:
        """Every page of a listing, following `Link: <...>; rel="next"`."""
        page = self.get(path, params)
        yield page
        while page.next_url:
            page = self.get(page.next_url)
            yield page

    def post(self, path: str, bearer: str) -> Any:
        response = self._send("POST", self.url(path), headers={"Authorization": f"Bearer {bearer}"})
        return _json(response)

    def _send(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str | int] | None = None,
        headers: dict[str, str],
        auth: bool = False,
    ) -> httpx.Response:
        for attempt in range(self.max_tries):
            if auth and self._token is not None:
                headers = {**headers, "Authorization": f"Bearer {self._token()}"}
            self.counters.requests += 1
            try:
                response = self._http.request(method, url, params=params, headers=headers)
            except httpx.TransportError:
                if attempt + 1 == self.max_tries:
                    raise Unavailable(
                        f"Cannot reach {self.base_url}: check the API URL of the connection "
                        "and that the server is up.",
                    ) from None
                self._wait("network error", self.backoff_s * 2**attempt)
                continue
            self.counters.rate.read(response.headers)
            status = response.status_code
            if status < 400 or status == 304:
                return response
            wait = self._rate_limit_wait(response)
            if wait is not None:
                self._wait("rate limit", wait)
                continue
            if status >= 500 and attempt + 1 < self.max_tries:
                self._wait(f"GitHub answered {status}", self.backoff_s * 2**attempt)
                continue
            raise _refusal(response, self.base_url)
        raise Unavailable(
            f"{self.base_url} kept failing after {self.max_tries} tries: try the sync again later.",
            status=503,
        )

    def _rate_limit_wait(self, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying a rate-limited answer, None when it is not one."""
        status = response.status_code
        if status not in (403, 429):
            return None
        retry_after = response.headers.get("retry-after", "")
        from_date = retry_after_date(retry_after) if retry_after else None
        if retry_after.isdigit():
            wait = float(retry_after)
        elif from_date is not None:
            wait = from_date
        elif response.headers.get("x-ratelimit-remaining") == "0":
            reset = self.counters.rate.reset_at
            wait = max(1.0, (reset - datetime.now(UTC)).total_seconds()) if reset else 60.0
        elif status == 429:
            wait = 60.0 * self.backoff_s
        else:
            return None  # a plain 403: the token lacks a permission
        if wait > self.max_wait_s:
            when = datetime.now(UTC).timestamp() + wait
            raise RateLimited(
                "GitHub's rate limit is used up until "
                f"{datetime.fromtimestamp(when, UTC):%H:%M} UTC: the sync stopped and "
                "picks up where it stopped when started again then.",
                status=status,
            )
        return wait

    def _wait(self, why: str, seconds: float) -> None:
        self.counters.retries += 1
        self.counters.waited_s += seconds
        if self._on_wait is not None:
            self._on_wait(why, seconds)
        self._sleep(seconds)


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise GitHubError(
            f"{response.url.host} answered {response.status_code} with something that is not "
            "JSON: check that the connection's API URL is GitHub's REST API (e.g. "
            "https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server).",
            status=response.status_code,
        ) from None


def _next_link(header: str) -> str | None:
    match = _NEXT_LINK.search(header)
    return match[1] if match else None


def _refusal(response: httpx.Response, base_url: str) -> GitHubError:
    status = response.status_code
    path = response.url.path
    if status == 401:
        return AuthenticationFailed(
            "GitHub refused the credentials (401): the token has expired or was revoked, or "
            "the App's key or installation is wrong. Enter new credentials in the "
            "repository's GitHub connection.",
            status,
        )
    if status == 404:
        return NotFound(
            f"GitHub has nothing at {path} (404): check the repository's owner/name, and that "
            "the token (or App installation) was given access to this repository.",
            status,
        )
    if status == 403:
        return AccessDenied(
            f"GitHub refused {path} (403): give the token read access to Actions and Contents "
            "(fine-grained token) or the App the Actions: read and Contents: read permissions.",
            status,
        )
    return GitHubError(f"GitHub answered {status} for {path}: try again later.", status)


def retry_after_date(value: str) -> float | None:
    """`Retry-After` as an HTTP date (seconds from now); GitHub sends seconds, proxies may not."""
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)
