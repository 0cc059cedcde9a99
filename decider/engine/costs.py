"""Cost-benefit (DESIGN.md semantics 7): the people's waiting time saved against added runners."""

from collections.abc import Mapping

from pydantic import BaseModel

from decider.engine.inputs import Pool, Scenario

DAYS_PER_MONTH = 30.4
SEED_RUNNER_USD_PER_MONTH = (50.0, 150.0)  # the seed's "$50-150/month per runner"


class Costs(BaseModel):
    saved_s_per_pipeline: float
    basis: str  # which wall clocks the saving compares
    pipelines_per_month: float | None
    people_waiting_per_pipeline: float
    loaded_usd_per_hour: float | None
    hours_saved_per_month: float | None
    value_usd_per_month: float | None
    added_runners: dict[str, int]  # scenario runner changes plus the verdict's additions
    added_usd_per_month: float
    added_usd_per_month_seed_range: tuple[float, float]  # the same runners at $50 and $150
    net_usd_per_month: float | None
    payback_days: float | None  # days of savings that pay a month of added runners
    break_even_pipelines_per_month: float | None
    missing: list[str]  # inputs to give for the money figures


def cost_benefit(
    inventory: list[Pool],
    scenario_pools: list[Pool],
    scenario: Scenario,
    saved_s_per_pipeline: float,
    basis: str,
    additions: Mapping[str, int],
) -> Costs:
    """`scenario_pools` is `pools.effective_pools(inventory, scenario)`: the scenario's runner
    counts and prices are read from it, never from the scenario again, so they apply once."""
    price = {pool.name: pool.monthly_usd_per_runner for pool in scenario_pools}
    added: dict[str, int] = {}
    for pool, planned in zip(inventory, scenario_pools, strict=True):
        change = planned.runners - pool.runners + additions.get(pool.name, 0)
        if change:
            added[pool.name] = change
    added_usd = sum(count * price[name] for name, count in added.items())
    runner_count = sum(added.values())
    seed_range = (
        runner_count * SEED_RUNNER_USD_PER_MONTH[0],
        runner_count * SEED_RUNNER_USD_PER_MONTH[1],
    )
    missing = [
        label
        for label, value in (
            ("pipelines per month", scenario.pipelines_per_month),
            ("loaded $/hour", scenario.loaded_usd_per_hour),
        )
        if value is None
    ]
    hours = value = net = payback = break_even = None
    people = scenario.people_waiting_per_pipeline
    if scenario.pipelines_per_month is not None:
        hours = saved_s_per_pipeline / 3600 * scenario.pipelines_per_month * people
    if hours is not None and scenario.loaded_usd_per_hour is not None:
        value = hours * scenario.loaded_usd_per_hour
        net = value - added_usd
        if value > 0:
            payback = added_usd / value * DAYS_PER_MONTH
    if scenario.loaded_usd_per_hour and saved_s_per_pipeline > 0 and people > 0:
        per_pipeline = saved_s_per_pipeline / 3600 * people * scenario.loaded_usd_per_hour
        break_even = added_usd / per_pipeline
    return Costs(
        saved_s_per_pipeline=saved_s_per_pipeline,
        basis=basis,
        pipelines_per_month=scenario.pipelines_per_month,
        people_waiting_per_pipeline=people,
        loaded_usd_per_hour=scenario.loaded_usd_per_hour,
        hours_saved_per_month=hours,
        value_usd_per_month=value,
        added_runners=added,
        added_usd_per_month=added_usd,
        added_usd_per_month_seed_range=seed_range,
        net_usd_per_month=net,
        payback_days=payback,
        break_even_pipelines_per_month=break_even,
        missing=missing,
    )
