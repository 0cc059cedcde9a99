"""Which runner pool a job can run on, with GitHub's label semantics."""

from fnmatch import fnmatchcase

from pydantic import BaseModel

from decider.engine.inputs import Job, Pool, Scenario, Workflow

HOSTED_GROUP = "github-hosted"
NO_LABELS_GROUP = "(no runs-on)"

# GitHub-hosted runner labels (standard and larger images). They form one unconstrained pool:
# GitHub provides as many runners as the plan allows, so they never queue behind our pools.
HOSTED_LABEL_PATTERNS: tuple[str, ...] = (
    "ubuntu-*",
    "windows-*",
    "macos-*",
)


class Placement(BaseModel):
    """Where a job runs. `group` keys peak runners; `pools` are the capacity-limited choices."""

    group: str
    pools: list[str]  # preferred first: the most specific matching pool, then inventory order

    @property
    def constrained(self) -> bool:
        return bool(self.pools)


def is_hosted_label(label: str) -> bool:
    lowered = label.lower()
    return any(fnmatchcase(lowered, pattern) for pattern in HOSTED_LABEL_PATTERNS)


def matching_pools(runs_on: list[str], pools: list[Pool]) -> list[Pool]:
    wanted = {label.lower() for label in runs_on}
    matches = [pool for pool in pools if wanted <= {label.lower() for label in pool.labels}]
    # A pool with fewer extra labels is the one the workflow author most likely meant.
    return sorted(matches, key=lambda pool: len(pool.labels))


def place(runs_on: list[str], pools: list[Pool]) -> Placement:
    if not runs_on:
        return Placement(group=NO_LABELS_GROUP, pools=[])
    matches = matching_pools(runs_on, pools)
    if matches:
        return Placement(group=matches[0].name, pools=[pool.name for pool in matches])
    lowered = [label.lower() for label in runs_on]
    if "self-hosted" not in lowered and all(is_hosted_label(label) for label in runs_on):
        return Placement(group=HOSTED_GROUP, pools=[])
    return Placement(group=",".join(runs_on), pools=[])


def placements(workflow: Workflow, pools: list[Pool]) -> dict[int, Placement]:
    return {job.id: place(job.runs_on, pools) for job in workflow.jobs}


# Job keys a grouped warning names before it counts the rest ("a, b, c, d, e and 12 more").
WARNING_NAMES = 5


def placement_warnings(workflow: Workflow, placed: dict[int, Placement]) -> list[str]:
    """One warning per group of jobs no pool serves (same labels, or no runs-on), naming a few
    of them: a workflow of a hundred matrix jobs on an unknown label says so once."""
    groups: dict[str, list[Job]] = {}
    for job in workflow.jobs:
        placement = placed[job.id]
        if placement.constrained or placement.group == HOSTED_GROUP:
            continue
        groups.setdefault(placement.group, []).append(job)
    warnings: list[str] = []
    for group, jobs in groups.items():
        keys = _some_keys(jobs)
        if group == NO_LABELS_GROUP:
            if len(jobs) == 1:
                warnings.append(
                    f"{keys} has no runs-on (a reusable workflow call?): it is counted as "
                    "running at once, on no pool."
                )
            else:
                warnings.append(
                    f"{len(jobs)} jobs have no runs-on (reusable workflow calls?): {keys}. "
                    "They are counted as running at once, on no pool."
                )
        elif len(jobs) == 1:
            warnings.append(
                f"No runner pool has every label of {keys} ({', '.join(jobs[0].runs_on)}): "
                "it is treated as unconstrained. Add the pool to the inventory to count it."
            )
        else:
            warnings.append(
                f"No runner pool has every label of {len(jobs)} jobs "
                f"({', '.join(jobs[0].runs_on)}): {keys}. They are treated as unconstrained. "
                "Add the pool to the inventory to count them."
            )
    return warnings


def _some_keys(jobs: list[Job]) -> str:
    keys = [job.key for job in jobs[:WARNING_NAMES]]
    if len(jobs) > WARNING_NAMES:
        return f"{', '.join(keys)} and {len(jobs) - WARNING_NAMES} more"
    return ", ".join(keys)


def effective_pools(pools: list[Pool], scenario: Scenario) -> list[Pool]:
    """The inventory with the scenario's runner counts, baseline loads and prices.

    A baseline utilization describes today's pool: the other work keeps u x runners busy. When
    the scenario changes the runner count but not the utilization, that same work spreads over
    the new count (more runners, lower utilization), as for the verdict's added runners; a
    utilization the scenario gives is taken as stated, of its own runner count.
    """
    effective = []
    for pool in pools:
        runners = scenario.runners.get(pool.name, pool.runners)
        utilization = scenario.utilization.get(pool.name)
        if utilization is None:
            busy = pool.baseline_utilization * pool.runners
            utilization = min(1.0, busy / runners) if runners else pool.baseline_utilization
        effective.append(
            pool.model_copy(
                update={
                    "runners": runners,
                    "baseline_utilization": utilization,
                    "monthly_usd_per_runner": scenario.usd_per_runner.get(
                        pool.name, pool.monthly_usd_per_runner
                    ),
                    "mean_background_job_s": scenario.background_job_s.get(
                        pool.name, pool.mean_background_job_s
                    ),
                }
            )
        )
    return effective
