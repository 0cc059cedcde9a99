"""The team's price book page: GitHub's rates on a chosen day, a team's own rates over them
(uploaded as CSV, removed one by one), editors only, and never another team's."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decider.adapter.prices import team_price_book
from decider.models import PriceRate

pytestmark = pytest.mark.django_db

NEGOTIATED = (
    b"size,usd_per_minute,effective_from,effective_to,source\n"
    b"linux-2-core,0.004,2026-06-01,2027-01-01,our agreement\n"
)


def upload(client, team, content: bytes, name: str = "rates.csv"):
    return client.post(
        reverse("prices_upload", args=[team.slug]), {"file": SimpleUploadedFile(name, content)}
    )


def test_the_book_holds_githubs_rates_from_the_migration(team) -> None:
    book = team_price_book(team)
    linux = book.rate("linux-2-core", date(2026, 12, 5))
    assert linux is not None and linux.usd_per_minute == 0.006
    assert "Actions runner pricing" in linux.source
    charge = book.rate("self-hosted-platform", date(2026, 12, 5))
    assert charge is not None and not charge.on_by_default


def test_the_page_shows_the_rates_in_force_on_the_day_asked(viewer_client, team) -> None:
    page = viewer_client.get(reverse("prices", args=[team.slug]), {"on": "2025-06-01"})
    html = " ".join(page.content.decode().split())
    assert page.status_code == 200
    row = '<code>linux-2-core</code></td> <td>GitHub-hosted</td> <td class="num">$0.008</td>'
    assert f"Linux 2-core {row}" in html
    page = viewer_client.get(reverse("prices", args=[team.slug]), {"on": "2026-12-05"})
    html = " ".join(page.content.decode().split())
    assert '<td class="num">$0.006</td> <td class="num">$0.36</td>' in html
    assert "off unless a scenario counts it" in html


@pytest.mark.parametrize("asked", ["yesterday", "1999-01-01", "2026-13-01"])
def test_an_unusable_day_shows_todays_rates_and_says_so(viewer_client, team, asked) -> None:
    page = viewer_client.get(reverse("prices", args=[team.slug]), {"on": asked})
    assert page.status_code == 200
    assert "showing today&#x27;s rates" in page.content.decode()


def test_an_editors_rates_replace_githubs_on_their_days(editor_client, team) -> None:
    response = upload(editor_client, team, NEGOTIATED)
    assert response.status_code == 302
    book = team_price_book(team)
    figures = [
        book.rate("linux-2-core", day).usd_per_minute  # type: ignore[union-attr]
        for day in (date(2026, 5, 31), date(2026, 6, 1), date(2027, 1, 1))
    ]
    assert figures == [0.006, 0.004, 0.006]
    again = upload(editor_client, team, NEGOTIATED)  # a re-import updates, adds nothing
    assert again.status_code == 302
    assert PriceRate.objects.filter(team=team).count() == 1


def test_a_bad_file_imports_nothing_and_says_where(editor_client, team) -> None:
    response = upload(
        editor_client,
        team,
        b"size,usd_per_minute,effective_from\nlinux-2-core,0.004,2026-06-01\nx,free,2026-01-01\n",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was imported" in html and "row 3, field &#x27;usd_per_minute&#x27;" in html
    assert not PriceRate.objects.filter(team=team).exists()


def test_a_viewer_can_read_but_not_change_the_book(viewer_client, team) -> None:
    rate = PriceRate.objects.create(
        team=team, size="x", usd_per_minute="0.001", effective_from=date(2026, 1, 1)
    )
    assert upload(viewer_client, team, NEGOTIATED).status_code == 403
    delete = reverse("price_delete", args=[team.slug, rate.pk])
    assert viewer_client.post(delete).status_code == 403
    assert PriceRate.objects.filter(pk=rate.pk).exists()
    assert b"Import rates" not in viewer_client.get(reverse("prices", args=[team.slug])).content


def test_an_editor_removes_a_rate_and_githubs_holds_again(editor_client, team) -> None:
    upload(editor_client, team, NEGOTIATED)
    rate = PriceRate.objects.get(team=team)
    response = editor_client.post(reverse("price_delete", args=[team.slug, rate.pk]))
    assert response.status_code == 302
    linux = team_price_book(team).rate("linux-2-core", date(2026, 6, 1))
    assert linux is not None and linux.usd_per_minute == 0.006


def test_another_teams_book_and_rates_are_a_404(editor_client, team, other_team) -> None:
    theirs = PriceRate.objects.create(
        team=other_team, size="x", usd_per_minute="0.001", effective_from=date(2026, 1, 1)
    )
    assert editor_client.get(reverse("prices", args=[other_team.slug])).status_code == 404
    assert upload(editor_client, other_team, NEGOTIATED).status_code == 404
    # Their rate through my team's address: not found, and still there.
    mine = reverse("price_delete", args=[team.slug, theirs.pk])
    assert editor_client.post(mine).status_code == 404
    book = reverse("price_delete", args=[team.slug, PriceRate.objects.filter(team=None).first().pk])
    assert editor_client.post(book).status_code == 404  # the book's rows are the admins'
    assert PriceRate.objects.filter(pk=theirs.pk).exists()
    # Another team's rates never reach my book.
    assert team_price_book(team).rate("x", date(2026, 6, 1)) is None


def test_names_in_rates_are_escaped(editor_client, team) -> None:
    upload(
        editor_client,
        team,
        b"size,usd_per_minute,effective_from,source\n<b>x</b>,0.001,2026-01-01,<script>\n",
    )
    html = editor_client.get(reverse("prices", args=[team.slug])).content.decode()
    assert "<script>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
