"""Which jobs run for one trigger (DESIGN.md semantics 16), in a given graph.

Each job says, per trigger, whether its `if:` lets it run when every job it needs ran and
when one of them was skipped (`Job.runs_when`, decided when the workflow was imported). In
declaration order along the needs, a job is skipped when its `if:` says so, and a job that
needs a skipped job is skipped too unless its `if:` names a status function such as
`always()`: GitHub's rule. An `if:` that cannot be decided counts as running, and is listed.

The graph matters: removing a `needs:` edge to a skipped job can let a job run, so the
current and the proposed graph are decided separately.
"""

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from decider.engine.graph import topological_order
from decider.engine.inputs import RunsWhen, Workflow
from decider.engine.vocabulary import TRIGGERS, Trigger

TRIGGER_WORDS: dict[Trigger, str] = {value: label.lower() for value, label in TRIGGERS}


class TriggerJobs(BaseModel):
    skipped: list[int] = Field(default_factory=list)  # do not run, in declaration order
    undecided: list[int] = Field(default_factory=list)  # `if:` undecidable: counted as running


def jobs_for_trigger(
    workflow: Workflow, needs: Mapping[int, Sequence[int]], trigger: Trigger
) -> TriggerJobs:
    by_id = workflow.by_id()
    skipped: set[int] = set()
    undecided: set[int] = set()
    for job_id in topological_order({job: list(need) for job, need in needs.items()}):
        when = by_id[job_id].runs_when.get(trigger, RunsWhen())
        a_need_skipped = any(need in skipped for need in needs[job_id])
        outcome = when.a_need_skipped if a_need_skipped else when.needs_ran
        if outcome == "skips":
            skipped.add(job_id)
        elif outcome == "undecidable":
            undecided.add(job_id)
    order = [job.id for job in workflow.jobs]
    return TriggerJobs(
        skipped=[job for job in order if job in skipped],
        undecided=[job for job in order if job in undecided],
    )


def trigger_warnings(
    workflow: Workflow, trigger: Trigger, current: TriggerJobs, proposed: TriggerJobs
) -> list[str]:
    keys = {job.id: job.key for job in workflow.jobs}
    words = TRIGGER_WORDS[trigger]
    warnings: list[str] = []
    if workflow.triggers and trigger not in workflow.triggers:
        warnings.append(
            f"The workflow's `on:` lists {', '.join(workflow.triggers)}, not {trigger}: GitHub "
            f"would not run it for {words}. The figures show its jobs as if it did."
        )
    elif trigger in workflow.trigger_notes:
        warnings.append(
            f"{workflow.trigger_notes[trigger]} The figures show its jobs as if it ran."
        )
    for label, jobs in (("today's graph", current), ("the proposed graph", proposed)):
        if jobs.skipped and (label == "today's graph" or jobs.skipped != current.skipped):
            names = ", ".join(keys[job] for job in jobs.skipped)
            warnings.append(
                f"For {words}, {len(jobs.skipped)} of {len(workflow.jobs)} jobs do not run in "
                f"{label} (their `if:`, or a job they need does not run): {names}. They take "
                "no time and no runner."
            )
    undecided = list(dict.fromkeys(current.undecided + proposed.undecided))
    if undecided:
        names = ", ".join(keys[job] for job in undecided)
        warnings.append(
            f"The `if:` of {len(undecided)} job(s) cannot be decided from the workflow file "
            f"for {words}; they are counted as running: {names}."
        )
    return warnings
