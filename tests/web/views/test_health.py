from __future__ import annotations

from django.test import Client


def test_it_answers_ok_in_plain_text_without_a_login_or_a_database(client: Client) -> None:
    # No django_db mark: pytest-django fails any query, so this also proves none is made.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"


def test_it_refuses_anything_but_get(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
