"""Compare a workflow's current graph with a proposed one, from the database or from files."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from pydantic import ValidationError

from decider.adapter.saved import ScenarioNoLongerFits, analyse_saved
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import Analysis, analyze
from decider.engine.presets import APPLY, apply_preset
from decider.engine.report import render_report
from decider.engine.vocabulary import STATISTIC_VALUES, TRIGGERS
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._engine_options import (
    add_source_arguments,
    job_id,
    load_source,
)
from decider.models import Scenario


class Command(DatabaseCommand):
    help = (
        "Analyse a workflow: wall clock, critical path, compute and peak runners for the "
        "current and the proposed graph, queueing with the pools, decision, costs and risks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scenario",
            type=int,
            metavar="ID",
            help="a saved scenario, analysed as its page, comparison and PDF show it",
        )
        add_source_arguments(parser, required=False)
        parser.add_argument("--remove-needs", action="append", default=[], metavar="JOB:NEED")
        parser.add_argument("--add-needs", action="append", default=[], metavar="JOB:NEED")
        parser.add_argument("--preset", action="append", default=[], choices=sorted(APPLY))
        parser.add_argument("--statistic", default="latest", choices=STATISTIC_VALUES)
        parser.add_argument(
            "--trigger",
            choices=[value for value, _ in TRIGGERS],
            help="decide each job's if: for this event (default: every job runs)",
        )
        parser.add_argument(
            "--include-failed-runs",
            action="store_true",
            help="durations also from failed, cancelled and timed-out runs",
        )
        parser.add_argument("--milestone", action="append", default=[], metavar="JOB")
        parser.add_argument("--pipelines-per-hour", type=float)
        parser.add_argument("--pipelines-at-once", type=int)
        parser.add_argument("--pipelines-per-month", type=float, help="for the money figures")
        parser.add_argument("--people-waiting", type=float, default=1, help="per pipeline")
        parser.add_argument("--loaded-usd-per-hour", type=float, help="a waiting person's cost")
        parser.add_argument(
            "--target-queue-wait", type=float, default=60, metavar="SECONDS", help="p90, per pool"
        )
        parser.add_argument("--seed", type=int, default=0, help="the simulation's random seed")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scenario"] is not None:
            result = _saved(options["scenario"])
        else:
            if not (options["workflow"] or options["workflow_id"]):
                raise CommandError("Give --scenario ID, --workflow-id ID or --workflow FILE.")
            workflow, pools, warnings = load_source(options)
            scenario = self._scenario(workflow, options)
            try:
                result = analyze(workflow, pools, scenario, seed=options["seed"])
            except (ValueError, ValidationError) as error:
                raise CommandError(f"Cannot analyse this scenario: {error}") from error
            result.warnings[:0] = warnings
        if options["json"]:
            self.stdout.write(json.dumps(result.model_dump(mode="json"), indent=2))
        else:
            self.stdout.write(render_report(result))

    def _scenario(
        self, workflow: engine_inputs.Workflow, options: dict[str, Any]
    ) -> engine_inputs.Scenario:
        def edges(values: list[str], option: str) -> list[engine_inputs.Edge]:
            parsed = []
            for value in values:
                job, sep, need = value.partition(":")
                if not sep:
                    raise CommandError(f"{option} takes JOB:NEED, got '{value}'.")
                parsed.append(
                    engine_inputs.Edge(
                        job=job_id(workflow, job, option), need=job_id(workflow, need, option)
                    )
                )
            return parsed

        try:
            scenario = engine_inputs.Scenario(
                statistic=options["statistic"],
                trigger=options["trigger"],
                include_failed_runs=options["include_failed_runs"],
                remove_needs=edges(options["remove_needs"], "--remove-needs"),
                add_needs=edges(options["add_needs"], "--add-needs"),
                milestone=[job_id(workflow, job, "--milestone") for job in options["milestone"]],
                pipelines_per_hour=options["pipelines_per_hour"],
                pipelines_at_once=options["pipelines_at_once"],
                pipelines_per_month=options["pipelines_per_month"],
                people_waiting_per_pipeline=options["people_waiting"],
                loaded_usd_per_hour=options["loaded_usd_per_hour"],
                target_queue_wait_s=options["target_queue_wait"],
            )
            for preset in options["preset"]:
                scenario = apply_preset(workflow, scenario, preset)
            return engine_inputs.Scenario.model_validate(
                scenario.model_dump(), context={"workflow": workflow}
            )
        except (ValueError, ValidationError) as error:
            raise CommandError(f"Invalid scenario: {error}") from error


def _saved(scenario_id: int) -> Analysis:
    """The saved scenario's figures; a deleted workflow's scenario says so first among the
    warnings (its figures are those saved, from its snapshot)."""
    row = Scenario.objects.filter(pk=scenario_id).select_related("workflow__repository").first()
    if row is None:
        raise CommandError(f"No saved scenario has id {scenario_id}.")
    try:
        saved = analyse_saved(row)
    except ScenarioNoLongerFits as error:
        raise CommandError(
            f"Scenario {scenario_id} no longer fits its workflow: {error.problems}"
        ) from error
    analysis = saved.results.analysis
    if not saved.notices:
        return analysis
    return analysis.model_copy(update={"warnings": [*saved.notices, *analysis.warnings]})
