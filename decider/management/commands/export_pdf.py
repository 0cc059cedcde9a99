"""Write a scenario's recommendation, a comparison of 2-4 scenarios, or a workflow's
follow-up report (its current adoption, N weeks after), to a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from decider.adapter.saved import ScenarioNoLongerFits
from decider.management.commands._base import DatabaseCommand
from decider.models import Adoption, Scenario
from decider.reports.followup_pdf import render_followup_pdf
from decider.reports.pdf import PAPER_SIZES, render_comparison_pdf, render_scenario_pdf
from decider.web.forms.compare import MAX_COMPARED, MIN_COMPARED, CompareForm


class Command(DatabaseCommand):
    help = (
        "Export the PDF recommendation of a saved scenario (--scenario ID) or a comparison "
        f"of {MIN_COMPARED}-{MAX_COMPARED} scenarios (--compare ID ID ...), or the follow-up "
        "report of a workflow's current adoption (--followup WORKFLOW_ID) to -o FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--scenario", type=int, metavar="ID")
        which.add_argument("--compare", type=int, nargs="+", metavar="ID")
        which.add_argument("--followup", type=int, metavar="WORKFLOW_ID")
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument("--paper", choices=sorted(PAPER_SIZES), default="a4")

    def handle(self, *args: Any, **options: Any) -> None:
        paper = options["paper"]
        try:
            if options["scenario"] is not None:
                pdf = render_scenario_pdf(_scenario(options["scenario"]), paper=paper)
            elif options["followup"] is not None:
                adoption = _current_adoption(options["followup"])
                pdf = render_followup_pdf(adoption, now=timezone.now(), paper=paper)
            else:
                pdf = render_comparison_pdf(_compared(options["compare"]), paper=paper)
        except ScenarioNoLongerFits as error:
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


def _current_adoption(workflow_id: int) -> Adoption:
    adoption = (
        Adoption.objects.current()
        .select_related("workflow__repository__team", "version__scenario")
        .filter(workflow_id=workflow_id)
        .first()
    )
    if adoption is None:
        raise CommandError(
            f"Workflow {workflow_id} does not exist or has no adopted version: adopt a saved "
            "scenario version first (its page: “Adopt”)."
        )
    return adoption


def _compared(ids: list[int]) -> list[Scenario]:
    """The same rule as the compare page, over every team's scenarios (an operator's tool)."""
    data = MultiValueDict({"id": [str(scenario_id) for scenario_id in ids]})
    form = CompareForm(data, scenarios=Scenario.objects.all())
    if not form.is_valid():
        raise CommandError(f"--compare: {form.refusal}")
    rows: list[Scenario] = form.cleaned_data["id"]
    return rows
