"""What to do next, weeks after a change went live: keep it, add runners, or roll it back.

The rules (docs/followup.md) read figures measured since the live day against the same
number of days before it, the target the adopted version sized its pools for and the budget
approved. They are applied in order and the first that holds decides:

1. No verdict yet: fewer than `MIN_DAYS` days since the live day, or fewer than
   `MIN_PIPELINES` successful pipelines since.
2. Roll back: the median wall clock since is not lower than before.
3. Roll back: runners cost more than the approved budget, and the value of the time saved
   does not cover what the runners added since.
4. Add runners: a pool's p90 queue wait since is over the target.
5. Keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from decider.engine.formatting import count, duration, signed_usd, usd

MIN_DAYS = 7  # a week holds every weekday's load once
MIN_PIPELINES = 20  # a p90 of 20 pipelines rests on the two slowest, not on one

Action = Literal["no_verdict", "roll_back", "add_runners", "keep"]
TITLES: dict[Action, str] = {
    "no_verdict": "No verdict yet",
    "roll_back": "Roll back",
    "add_runners": "Add runners",
    "keep": "Keep the change",
}


@dataclass(frozen=True)
class PoolEvidence:
    pool: str
    p90_wait_s: float | None  # measured since the live day
    runners_now: int | None  # the team's pool today; None: the team has no such pool
    usd_per_runner_month: float | None
    # The engine's sizing at the measured load (the adopted graph): the fewest runners that
    # meet the target. None: not simulated or not found.
    needed_at_measured_load: int | None
    recommended_by_version: int | None = None  # what the adopted version's plan asked for


@dataclass(frozen=True)
class Evidence:
    days_since: float
    pipelines_since: int  # successful pipelines since the live day
    pipelines_before: int  # successful pipelines over as many days before it
    wall_clock_p50_before_s: float | None
    wall_clock_p50_since_s: float | None
    target_wait_s: float
    runner_usd_per_month_now: float
    budget_usd_per_month: float
    added_usd_per_month: float | None  # runner cost now minus before the change
    value_usd_per_month: float | None  # of the time saved, measured
    pools: list[PoolEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class Recommendation:
    action: Action
    reasons: list[str]
    additions: dict[str, int] = field(default_factory=dict)  # runners to add, per pool

    @property
    def title(self) -> str:
        if self.action == "add_runners" and self.additions:
            added = ", ".join(
                f"{count(runners, 'runner')} to {pool}" for pool, runners in self.additions.items()
            )
            return f"Add runners: {added}"
        return TITLES[self.action]


def recommend(evidence: Evidence) -> Recommendation:
    thin = _too_thin(evidence)
    if thin:
        return Recommendation("no_verdict", thin)
    slower = _slower(evidence)
    if slower:
        return Recommendation("roll_back", slower)
    over_budget = _over_budget_without_value(evidence)
    if over_budget:
        return Recommendation("roll_back", over_budget)
    queued = [pool for pool in evidence.pools if _over_target(pool, evidence.target_wait_s)]
    if queued:
        return _add_runners(evidence, queued)
    return Recommendation("keep", _keep_reasons(evidence))


def _too_thin(evidence: Evidence) -> list[str]:
    reasons = []
    if evidence.days_since < MIN_DAYS:
        reasons.append(
            f"Only {_days(evidence.days_since)} have passed since the change went live; "
            f"the report gives a verdict after {MIN_DAYS} days, when every weekday's load "
            "has been seen once."
        )
    if evidence.pipelines_since < MIN_PIPELINES:
        reasons.append(
            f"Only {count(evidence.pipelines_since, 'successful pipeline')} since the change; "
            f"the report gives a verdict from {MIN_PIPELINES} on, so that a p90 rests on more "
            "than one slow pipeline."
        )
    return reasons


def _slower(evidence: Evidence) -> list[str]:
    before, since = evidence.wall_clock_p50_before_s, evidence.wall_clock_p50_since_s
    if before is None or since is None or evidence.pipelines_before < MIN_PIPELINES:
        return []
    if since < before:
        return []
    return [
        f"The change was meant to make pipelines faster, and it did not: the median pipeline "
        f"takes {duration(since)} since, against {duration(before)} before. Going back to the "
        "previous workflow also ends the cost of any runners added for it."
    ]


def _over_budget_without_value(evidence: Evidence) -> list[str]:
    over = evidence.runner_usd_per_month_now - evidence.budget_usd_per_month
    value, added = evidence.value_usd_per_month, evidence.added_usd_per_month
    if over <= 0 or value is None or added is None or value >= added:
        return []
    return [
        f"Runners cost {usd(evidence.runner_usd_per_month_now)} a month, "
        f"{usd(over)} over the {usd(evidence.budget_usd_per_month)} approved, and the time "
        f"saved is worth {usd(value)} a month, less than the {usd(added)} a month the runners "
        f"added since the change cost (net {signed_usd(value - added)} a month)."
    ]


def _over_target(pool: PoolEvidence, target_s: float) -> bool:
    return pool.p90_wait_s is not None and pool.p90_wait_s > target_s


def _add_runners(evidence: Evidence, queued: list[PoolEvidence]) -> Recommendation:
    reasons, additions = [], {}
    target = duration(evidence.target_wait_s)
    added_usd = 0.0
    for pool in queued:
        assert pool.p90_wait_s is not None
        waited = (
            f"On {pool.pool}, 1 job in 10 waited {duration(pool.p90_wait_s)} or more for a "
            f"runner, {duration(pool.p90_wait_s - evidence.target_wait_s)} over the "
            f"{target} target."
        )
        more = (
            pool.needed_at_measured_load - pool.runners_now
            if pool.needed_at_measured_load is not None and pool.runners_now is not None
            else 0
        )
        if (
            pool.recommended_by_version is not None
            and pool.runners_now is not None
            and pool.runners_now < pool.recommended_by_version
        ):
            waited += (
                f" The adopted version planned {count(pool.recommended_by_version, 'runner')} "
                f"there; the pool has {pool.runners_now}."
            )
        if more > 0:
            additions[pool.pool] = more
            price = pool.usd_per_runner_month or 0.0
            added_usd += more * price
            reasons.append(
                f"{waited} At the load measured since the change, the model needs "
                f"{count(pool.needed_at_measured_load, 'runner')} there to meet the target; "
                f"the pool has {pool.runners_now}: add {more} "
                f"({signed_usd(more * price)} a month)."
            )
        else:
            reasons.append(
                f"{waited} The model at the measured load does not say how many runners "
                "would fix it (it expects the pool to meet the target as it is): add one at a "
                "time and watch this wait."
            )
    if added_usd:
        after = evidence.runner_usd_per_month_now + added_usd
        over = after - evidence.budget_usd_per_month
        reasons.append(
            f"With them, runners cost {usd(after)} a month"
            + (
                f", {usd(over)} over the {usd(evidence.budget_usd_per_month)} approved: "
                "this needs the budget holder's approval."
                if over > 0
                else f", within the {usd(evidence.budget_usd_per_month)} approved."
            )
        )
    return Recommendation("add_runners", reasons, additions)


def _keep_reasons(evidence: Evidence) -> list[str]:
    reasons = []
    before, since = evidence.wall_clock_p50_before_s, evidence.wall_clock_p50_since_s
    if before is not None and since is not None and evidence.pipelines_before >= MIN_PIPELINES:
        reasons.append(
            f"The median pipeline takes {duration(since)} since the change, against "
            f"{duration(before)} before."
        )
    else:
        reasons.append(
            f"Too few successful pipelines before the change "
            f"({evidence.pipelines_before}) to say whether pipelines got faster."
        )
    reasons.append(
        f"Every pool's p90 queue wait is within the {duration(evidence.target_wait_s)} target."
    )
    over = evidence.runner_usd_per_month_now - evidence.budget_usd_per_month
    if over <= 0:
        reasons.append(
            f"Runners cost {usd(evidence.runner_usd_per_month_now)} a month, within the "
            f"{usd(evidence.budget_usd_per_month)} approved."
        )
    elif evidence.value_usd_per_month is None:
        reasons.append(
            f"Runners cost {usd(over)} a month over the approved budget, and the time saved "
            "has no $ value to weigh against it: decide whether the time saved is worth it."
        )
    else:
        reasons.append(
            f"Runners cost {usd(over)} a month over the approved budget, but the time saved "
            f"({usd(evidence.value_usd_per_month)} a month) covers what they added."
        )
    return reasons


def _days(value: float) -> str:
    whole = int(value)
    return count(whole, "day")
