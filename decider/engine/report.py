"""The plain-text report of an analysis (what `manage.py analyze` prints without --json)."""

from decider.engine.analysis import Analysis, GraphResult
from decider.engine.plan import Plan
from decider.engine.schedule import TOTAL


def _s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.0f} s ({seconds / 60:.1f} min)"


def _peaks(peaks: dict[str, int]) -> str:
    parts = [f"{count} {group}" for group, count in peaks.items() if group != TOTAL and count]
    return f"{peaks.get(TOTAL, 0)} ({' + '.join(parts) or 'none'})"


def _graph(title: str, graph: GraphResult, keys: dict[int, str]) -> list[str]:
    lines = [
        f"{title}",
        f"  wall clock          {_s(graph.wall_clock_s)}",
        f"  milestone           {_s(graph.milestone_wall_clock_s)}",
        f"  critical path       {' -> '.join(keys[job] for job in graph.critical_path)}",
        f"  compute             {_s(graph.compute_s)}",
        f"  peak runners        {_peaks(graph.peak_runners)}",
    ]
    constrained = graph.constrained
    if constrained is not None:
        waits = ", ".join(
            f"{pool} {wait:.0f} s"
            for pool, wait in constrained.critical_path_queue_wait_by_pool.items()
        )
        lines += [
            f"  on the runners      {_s(constrained.wall_clock_s)}"
            f" (queueing delay {constrained.queue_delay_s:.0f} s)",
            f"  critical-path wait  {waits or 'none'}",
        ]
        waiting = [t for t in constrained.jobs if t.queue_wait_s > 0]
        for timing in waiting:
            lines.append(
                f"    {keys[timing.id]} waits {timing.queue_wait_s:.0f} s for {timing.group}"
            )
    return lines


def render_report(analysis: Analysis) -> str:
    keys = {job.id: job.key for job in analysis.jobs}
    lines = [
        f"Workflow {analysis.workflow or '(unnamed)'}: {len(analysis.jobs)} jobs, "
        f"{analysis.statistic} durations",
        "",
    ]
    lines.append("Jobs")
    for job in analysis.jobs:
        duration = "unmeasured" if job.duration_s is None else f"{job.duration_s:.0f} s"
        if job.proposed_duration_s != (job.duration_s or 0.0):
            duration += f" -> {job.proposed_duration_s:.0f} s"
        needs = ", ".join(keys[n] for n in job.needs) or "-"
        proposed = ", ".join(keys[n] for n in job.proposed_needs) or "-"
        edit = "" if proposed == needs else f" -> {proposed}"
        lines.append(f"  {job.key:<32} {job.pool:<14} {duration:<16} needs {needs}{edit}")
    lines.append("")
    lines += _graph("Current", analysis.current, keys)
    lines += _graph("Proposed", analysis.proposed, keys)
    savings = analysis.savings
    lines += [
        "",
        f"Saving: {savings.wall_clock_s:.0f} s ({savings.wall_clock_pct:.1f}%) wall clock",
    ]
    if savings.milestone_s is not None:
        lines.append(
            f"        {savings.milestone_s:.0f} s ({savings.milestone_pct:.1f}%) milestone"
        )
    if savings.constrained_wall_clock_s is not None:
        lines.append(
            f"        {savings.constrained_wall_clock_s:.0f} s "
            f"({savings.constrained_wall_clock_pct:.1f}%) on the runners"
        )

    decision = analysis.decision
    if decision is not None:
        lines += ["", f"Decision: {decision.verdict.replace('_', ' ')}", f"  {decision.reason}"]
        for row in decision.demand:
            fits = "fits" if row.fits else "does not fit"
            lines.append(
                f"  {row.pool}: needs {row.demand} at peak ({row.peak_runners} x "
                f"{row.concurrent_pipelines} pipeline(s)); {row.available:.1f} of {row.runners} "
                f"free at {row.baseline_utilization:.0%} baseline: {fits}"
            )
        if decision.framework is not None:
            lines.append(f"  Rule-of-thumb framework ({decision.framework.pool} pool):")
            for cell in decision.framework.cells:
                lines.append(f"    {cell.table}: {cell.recommendation or '(no row)'} {cell.note}")

    lines += _plan_lines(analysis.plan)

    if analysis.cache_evidence.pairs:
        lines += ["", "Cache reuse"]
        lines += [f"  {pair.text}" for pair in analysis.cache_evidence.pairs]
    lines += ["", "Publish-gate safety: " + ("safe" if analysis.safety.safe else "ORDER LOST")]
    lines += [f"  {text}" for text in analysis.safety.text]
    if analysis.explanations:
        lines += ["", "The mural-api analysis's figures"]
        for explanation in analysis.explanations:
            lines.append(f"  {explanation.says}: {explanation.computed} [{explanation.status}]")
            lines.append(f"    {explanation.reason}")
    if analysis.warnings:
        lines += ["", "Warnings"] + [f"  {warning}" for warning in analysis.warnings]
    if analysis.errors:
        lines += ["", "Errors"] + [f"  {error}" for error in analysis.errors]
    return "\n".join(lines) + "\n"


def _plan_lines(plan: Plan) -> list[str]:
    keeps = "the proposed graph" if plan.graph == "proposed" else "today's graph"
    lines = ["", f"Plan (keeps {keeps})"]
    for pool in plan.pools:
        lines.append(
            f"  {pool.name}: {pool.inventory_runners} runners today, {pool.scenario_runners} in "
            f"the scenario, {pool.recommended_runners} recommended "
            f"(${pool.change_usd_per_month:+,.0f}/month at ${pool.usd_per_runner_month:,.0f})"
        )
    for label, outcome in (
        ("today's graph on today's runners", plan.today),
        ("proposed graph on today's runners", plan.proposed_today),
        ("plan on the recommended runners", plan.planned),
    ):
        if outcome is not None:
            lines.append(
                f"  {label}: mean {outcome.mean_wall_clock_s:.0f} s, "
                f"p90 {outcome.p90_wall_clock_s:.0f} s"
            )
    money = plan.money
    lines.append(f"  Change in runner cost: ${money.added_usd_per_month:+,.0f}/month")
    if money.saved_s_per_pipeline is not None:
        lines.append(
            f"  Saved per pipeline at this load (mean): {money.saved_s_per_pipeline:.0f} s"
        )
    lines.append(f"  Best case (one pipeline, idle runners): {money.best_case_saved_s:.0f} s")
    if money.value_usd_per_month is not None and money.net_usd_per_month is not None:
        payback = (
            f"{money.payback_days:.0f} days" if money.payback_days is not None else money.payback
        )
        lines.append(
            f"  Value ${money.value_usd_per_month:,.0f}/month, "
            f"net ${money.net_usd_per_month:+,.0f}/month, payback {payback}"
        )
    if plan.no_verdict:
        lines.append(f"  {plan.no_verdict}")
    elif money.missing:
        lines.append(f"  Give {' and '.join(money.missing)} for the money figures.")
    return lines
