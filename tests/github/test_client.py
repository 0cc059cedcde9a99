"""The client sends the connection's token only to the connection's own server."""

from __future__ import annotations

import pytest

from decider.github.client import GitHubClient, GitHubError, NotFound
from decider.github.fake import FakeGitHub, Served, serve
from tests.github.conftest import FAST, TOKEN


def test_a_link_to_another_server_is_refused_before_anything_is_sent(github: Served) -> None:
    other = serve(FakeGitHub())
    try:
        with GitHubClient(github.url, lambda: TOKEN, **FAST) as client:
            # What `pages()` does with a `Link: <...>; rel="next"` header from the server.
            with pytest.raises(GitHubError, match="another server"):
                client.get(f"{other.url}/repos/acme/widgets/actions/runs?page=2")
            with pytest.raises(NotFound):  # its own server is still asked, and answers
                client.get("/repos/acme/none")
    finally:
        other.stop()
    assert other.fake.seen == []  # the token never left for the other server
    assert [seen.path for seen in github.fake.seen] == ["/repos/acme/none"]
