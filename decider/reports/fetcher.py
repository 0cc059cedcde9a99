"""What WeasyPrint may read while it renders a PDF: the app's own static files and `data:`.

A report holds names users typed (repositories, jobs, scenarios). Templates escape them, but
if markup ever got through, an `<img src="file:///etc/passwd">` or a `<link rel=attachment>`
must not read the server's files or reach the network from inside it. So the fetcher refuses
every URL that is not a regular file inside a static directory the staticfiles finders know
(after resolving symlinks and `..`) or a `data:` URL, and says so in the log.
"""

from __future__ import annotations

import logging
import mimetypes
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse, path2url

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """WeasyPrint catches it, logs a warning and renders without the resource."""


def static_roots() -> list[Path]:
    """Every directory the staticfiles finders serve from, and STATIC_ROOT when it exists."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.append(Path(storage.location))
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return list(dict.fromkeys(root.resolve() for root in roots if root.is_dir()))


def static_file_url(relative_path: str) -> str:
    """The file: URL of a static file (e.g. "css/pdf.css") for templates and stylesheets."""
    found = finders.find(relative_path)
    if not found:
        raise FileNotFoundError(f"No static file {relative_path}")
    return path2url(found)


@cache
def shared_fetcher() -> StaticFilesFetcher:
    """One fetcher per process: building one costs about 20 ms (urllib builds an HTTPS handler
    and loads the system's CA certificates, which this fetcher never uses), and it keeps no
    state between fetches."""
    return StaticFilesFetcher()


class StaticFilesFetcher(URLFetcher):
    """Serves static files from disk and `data:` URLs; refuses (and logs) everything else."""

    def __init__(self) -> None:
        # No redirects, and urllib only ever sees the data: URLs handed to it below.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)
        self.roots = static_roots()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._static_file(url)
        raise self._refuse(url, "only static files and data: URLs are served")

    def _static_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "a file on another host")
        raw = unquote(parts.path)
        if ".." in Path(raw).parts:
            raise self._refuse(url, "a path that climbs out with ..")
        path = Path(raw).resolve()  # follows symlinks: a link out of static/ lands outside
        if not any(path.is_relative_to(root) for root in self.roots):
            raise self._refuse(url, "not inside a static files directory")
        if not path.is_file():
            raise self._refuse(url, "no such static file")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path2url(path), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def _refuse(self, url: str, why: str) -> RefusedURL:
        # data: URLs never get here; anything else is short enough to log whole, but cap it.
        shown = url if len(url) <= 200 else f"{url[:200]}…"
        logger.warning("PDF rendering refused to fetch %s: %s", shown, why)
        return RefusedURL(f"Refused {shown}: {why}")
