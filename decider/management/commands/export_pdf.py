"""Write a scenario's recommendation, or a comparison of 2-4 scenarios, to a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decider.models import Scenario
from decider.pdf import PAPER_SIZES, ReportError, render_comparison_pdf, render_scenario_pdf
from decider.scenario_compare import MAX_COMPARED, MIN_COMPARED


class Command(BaseCommand):
    help = (
        "Export the PDF recommendation of a saved scenario (--scenario ID) or a comparison "
        f"of {MIN_COMPARED}-{MAX_COMPARED} scenarios (--compare ID ID ...) to -o FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--scenario", type=int, metavar="ID")
        which.add_argument("--compare", type=int, nargs="+", metavar="ID")
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument("--paper", choices=sorted(PAPER_SIZES), default="a4")

    def handle(self, *args: Any, **options: Any) -> None:
        paper = options["paper"]
        try:
            if options["scenario"] is not None:
                pdf = render_scenario_pdf(_scenario(options["scenario"]), paper=paper)
            else:
                ids = list(dict.fromkeys(options["compare"]))
                if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
                    raise CommandError(
                        f"--compare takes {MIN_COMPARED} to {MAX_COMPARED} different ids."
                    )
                pdf = render_comparison_pdf([_scenario(i) for i in ids], paper=paper)
        except ReportError as error:
            raise CommandError(str(error)) from error
        output = Path(options["output"])
        try:
            output.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        self.stdout.write(f"Wrote {output} ({len(pdf) // 1024} KiB, {paper})")


def _scenario(scenario_id: int) -> Scenario:
    row = (
        Scenario.objects.select_related("workflow__repository", "team", "created_by", "updated_by")
        .filter(pk=scenario_id)
        .first()
    )
    if row is None:
        raise CommandError(f"No scenario with id {scenario_id}.")
    return row
