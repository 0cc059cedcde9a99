"""The base of decider's commands: a database that is down, unreachable or not migrated is
one line on stderr and exit status 1 (Django's CommandError), not a 30-frame traceback."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError


class DatabaseCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except DatabaseError as error:
            # Drivers' messages span lines (psycopg adds hints); keep it on one.
            detail = " ".join(str(error).split()) or type(error).__name__
            raise CommandError(
                f"Database error: {detail}. Check DATABASE_URL, that the database server is "
                "running, and that `manage.py migrate` has run."
            ) from error
