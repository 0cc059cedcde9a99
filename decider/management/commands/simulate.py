"""Monte Carlo of shared runner pools: background load, optionally the workflow's pipelines."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from pydantic import ValidationError

from decider.engine import inputs as engine_inputs
from decider.engine.durations import current_durations
from decider.engine.pool_simulation import background_job_lengths, simulation_input
from decider.engine.pools import placements
from decider.engine.simulation import SimPool, SimulationInput, SimulationResult, simulate
from decider.management.commands._base import DatabaseCommand
from decider.management.commands._engine_options import (
    add_source_arguments,
    load_source,
    parse_assignments,
)

DEFAULT_MEAN_JOB_S = 300.0


class Command(DatabaseCommand):
    help = (
        "Simulate shared runner pools (Poisson background load from baseline utilization, "
        "exponential job lengths) and, given a workflow, its pipelines arriving on top."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_source_arguments(parser, required=False)
        parser.add_argument("--utilization", action="append", default=[], metavar="POOL=U")
        parser.add_argument("--mean-job-s", action="append", default=[], metavar="POOL=S")
        parser.add_argument("--pipelines-per-hour", type=float)
        parser.add_argument("--pipelines-at-once", type=int)
        parser.add_argument(
            "--jobs",
            type=int,
            help=(
                "pipelines to simulate with a workflow (default: the scenario's 400); without "
                "one, background jobs on the busiest pool (default: long enough for the p90 wait "
                "to be within 5%% of Erlang C at 95%% utilization)"
            ),
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"] is not None and options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        utilization = parse_assignments(options["utilization"], "--utilization", float)
        mean_job_s = parse_assignments(options["mean_job_s"], "--mean-job-s", float)
        try:
            simulation = self._input(options, utilization, mean_job_s)
            result = simulate(simulation)
        except (ValueError, ValidationError) as error:
            raise CommandError(f"Cannot simulate: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(result.model_dump(mode="json"), indent=2))
        else:
            self.stdout.write(self._report(result))

    def _input(
        self, options: dict[str, Any], utilization: dict[str, float], mean_job_s: dict[str, float]
    ) -> SimulationInput:
        has_workflow = options.get("workflow_id") is not None or options.get("workflow")
        if has_workflow:
            workflow, pools, _ = load_source(options)
        else:
            pools = self._pools_without_workflow(options)
            workflow = None
        pools = [
            pool.model_copy(
                update={
                    "baseline_utilization": utilization.get(pool.name, pool.baseline_utilization),
                    "mean_background_job_s": mean_job_s.get(pool.name, pool.mean_background_job_s),
                }
            )
            for pool in pools
        ]
        unknown = sorted((set(utilization) | set(mean_job_s)) - {pool.name for pool in pools})
        if unknown:
            raise CommandError(f"No pool named {', '.join(unknown)}.")
        if workflow is None:
            return self._background_only(pools, options)
        scenario = engine_inputs.Scenario(
            pipelines_per_hour=options["pipelines_per_hour"],
            pipelines_at_once=options["pipelines_at_once"],
            **({} if options["jobs"] is None else {"simulated_pipelines": options["jobs"]}),
        )
        if not scenario.concurrent_pipelines_given():
            raise CommandError("Give --pipelines-per-hour R or --pipelines-at-once K.")
        placed = placements(workflow, pools)
        background_s, _ = background_job_lengths(
            workflow, pools, placed, scenario.include_failed_runs
        )
        seconds = current_durations(workflow, scenario).seconds
        return simulation_input(
            engine_inputs.current_needs(workflow),
            seconds,
            placed,
            pools,
            background_s,
            scenario,
            options["seed"],
        )

    def _pools_without_workflow(self, options: dict[str, Any]) -> list[engine_inputs.Pool]:
        if options["pools"]:
            _, pools, _ = load_source({**options, "workflow": None, "workflow_id": None})
            return pools
        runners = parse_assignments(options["runners"], "--runners", int)
        if not runners:
            raise CommandError("Give --runners POOL=N (repeatable), --pools CSV, or a workflow.")
        return [
            engine_inputs.Pool(name=name, labels=[name], runners=n) for name, n in runners.items()
        ]

    def _background_only(
        self, pools: list[engine_inputs.Pool], options: dict[str, Any]
    ) -> SimulationInput:
        sim_pools = [
            SimPool(
                name=pool.name,
                runners=pool.runners,
                baseline_utilization=pool.baseline_utilization,
                mean_background_job_s=pool.mean_background_job_s or DEFAULT_MEAN_JOB_S,
            )
            for pool in pools
        ]
        # Measure long enough for --jobs background jobs on the busiest pool, or as long as
        # the engine's default run (its precision is tested against Erlang C).
        rates = [
            p.baseline_utilization * p.runners / p.mean_background_job_s
            for p in sim_pools
            if p.baseline_utilization > 0
        ]
        if not rates:
            raise CommandError("Give some pool a utilization above 0 (--utilization POOL=U).")
        return SimulationInput(
            pools=sim_pools,
            jobs=[],
            pipelines=0,
            seed=options["seed"],
            horizon_s=None if options["jobs"] is None else options["jobs"] / max(rates),
        )

    def _report(self, result: SimulationResult) -> str:
        lines = []
        for name, figures in (
            ("pipeline wall clock", result.pipeline_wall_clock_s),
            ("milestone wall clock", result.milestone_wall_clock_s),
            ("pipeline queueing delay", result.pipeline_queue_delay_s),
        ):
            if figures is not None:
                lines.append(
                    f"{name:24} p50 {figures.p50:.0f} s, p90 {figures.p90:.0f} s, "
                    f"p99 {figures.p99:.0f} s, mean {figures.mean:.0f} s"
                )
        for pool in result.pools:
            saturated = " (saturated: waits grow with the run)" if pool.saturated else ""
            lines.append(
                f"pool {pool.name:18} mean wait {pool.mean_wait_s:.1f} s, p90 wait "
                f"{pool.p90_wait_s:.1f} s, utilization {pool.utilization:.0%}{saturated}"
            )
        return "\n".join(lines)
