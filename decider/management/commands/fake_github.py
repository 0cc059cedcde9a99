from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from decider.github.fake import HISTORY_REPOSITORY, FakeGitHub, generate_history, serve

FAKE_TOKEN = "fake-token"


class Command(BaseCommand):
    help = (
        "Serve a fake GitHub API with a generated history, to try the sync without GitHub: "
        "connect a repository named acme/widgets to http://HOST:PORT with the token fake-token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8160)
        parser.add_argument("--runs", type=int, default=300, help="runs over the last days")
        parser.add_argument("--jobs", type=int, default=30, help="jobs per run")
        parser.add_argument("--in-progress", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        fake = FakeGitHub()
        fake.allow(FAKE_TOKEN)
        generate_history(
            fake,
            runs=options["runs"],
            jobs_per_run=options["jobs"],
            in_progress=options["in_progress"],
        )
        served = serve(fake, options["host"], options["port"])
        self.stdout.write(
            f"Fake GitHub API at {served.url} with {options['runs']} runs of "
            f"{HISTORY_REPOSITORY}.\nConnect a repository named {HISTORY_REPOSITORY} with API "
            f"URL {served.url} and token {FAKE_TOKEN}. Ctrl-C stops it."
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            served.stop()
