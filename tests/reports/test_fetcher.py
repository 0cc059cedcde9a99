from __future__ import annotations

import logging
from pathlib import Path

import pytest
import weasyprint
from django.conf import settings

from decider.reports.fetcher import RefusedURL, StaticFilesFetcher, static_file_url

STATIC = Path(settings.BASE_DIR) / "static"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/style.css",
        "https://example.com/logo.png",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "file:///etc/hostname",
        f"file://{STATIC}/../decider/settings.py",
        f"file://{STATIC}/css/../../manage.py",
        f"file://{STATIC}/css/%2e%2e/%2e%2e/manage.py",
        "file://evil.example.com/etc/passwd",
        f"file://{STATIC}/css/missing.css",
        "gopher://example.com/",
        "javascript:alert(1)",
        "no-scheme-at-all",
    ],
)
def test_it_refuses_anything_but_static_files_and_data(url: str, caplog) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="decider.reports.fetcher"),
        pytest.raises(RefusedURL),
    ):
        StaticFilesFetcher().fetch(url)
    assert "refused to fetch" in caplog.text


def test_it_refuses_a_symlink_out_of_a_static_directory(tmp_path: Path, settings) -> None:
    static = tmp_path / "static"
    static.mkdir()
    (static / "innocent.css").symlink_to("/etc/hostname")
    settings.STATICFILES_DIRS = [static]
    with pytest.raises(RefusedURL):
        StaticFilesFetcher().fetch(f"file://{static}/innocent.css")


def test_it_serves_a_real_static_file_with_its_type() -> None:
    response = StaticFilesFetcher().fetch(static_file_url("css/pdf.css"))
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    response.close()


def test_it_serves_data_urls() -> None:
    response = StaticFilesFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    response.close()


def test_a_refused_resource_is_left_out_and_the_pdf_still_renders(caplog) -> None:
    html = (
        '<p>before</p><img src="http://example.com/x.png"><img src="file:///etc/passwd">'
        "<p>after</p>"
    )
    with caplog.at_level(logging.WARNING, logger="decider.reports.fetcher"):
        pdf = weasyprint.HTML(string=html, url_fetcher=StaticFilesFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert "http://example.com/x.png" in caplog.text
    assert "file:///etc/passwd" in caplog.text
