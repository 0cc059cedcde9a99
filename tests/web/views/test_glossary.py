from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_glossary_explains_each_term_in_plain_words(editor_client) -> None:
    response = editor_client.get(reverse("help"))
    assert response.status_code == 200
    text = response.content.decode()
    for anchor in (
        "wall-clock",
        "critical-path",
        "compute",
        "peak",
        "utilization",
        "queue-wait",
        "p90",
        "simulation",
        "framework",
        "unmeasured",
    ):
        assert f'id="{anchor}"' in text
    assert "seed" not in text.lower() and "monte carlo" not in text.lower()
    assert reverse("help") in editor_client.get(reverse("dashboard")).content.decode()
