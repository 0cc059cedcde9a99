"""Which measured runs a job's duration comes from (DESIGN.md semantics 12).

Successful runs count. `neutral` counts too: GitHub gives it to a run that completed without
failing (branch protection treats a neutral check as passed), so its duration is a whole run.
A run with no conclusion (a CSV without the column) counts, as before conclusions were read.
Failed, cancelled and timed-out runs stopped part-way: they are left out unless the scenario
includes them. Skipped runs, runs that never started, runs awaiting action and stale runs did
no work at all, so they never count. Every run is counted per job, used or left out.
"""

from pydantic import BaseModel, Field

from decider.engine.inputs import Sample
from decider.engine.vocabulary import CONCLUSION_VALUES, CONCLUSIONS, Conclusion

USABLE: frozenset[Conclusion | None] = frozenset({None, "success", "neutral"})
# Counted only when the scenario includes failed and cancelled runs.
STOPPED_EARLY: frozenset[Conclusion] = frozenset({"failure", "cancelled", "timed_out"})
# Never counted, whatever the scenario: their duration (if any) is no job's work.
DID_NOT_RUN: frozenset[Conclusion] = frozenset(CONCLUSION_VALUES) - USABLE - STOPPED_EARLY
WORDS: dict[Conclusion, str] = dict(CONCLUSIONS)


def counts(sample: Sample, include_failed_runs: bool) -> bool:
    if sample.conclusion in USABLE:
        return True
    return include_failed_runs and sample.conclusion in STOPPED_EARLY


def counted_samples(samples: list[Sample], include_failed_runs: bool) -> list[Sample]:
    """The runs a job's duration statistic is taken over."""
    return [sample for sample in samples if counts(sample, include_failed_runs)]


class RunCounts(BaseModel):
    """A job's imported runs: how many its duration uses, and the rest by conclusion."""

    used: int = 0
    left_out: dict[Conclusion, int] = Field(default_factory=dict)  # in CONCLUSIONS order

    @property
    def imported(self) -> int:
        return self.used + sum(self.left_out.values())

    @property
    def text(self) -> str:
        """'12 runs used, 3 failed and 1 cancelled left out', or why none is used."""
        if not self.used:
            return self.unmeasured_reason or ""
        text = _runs(self.used) + " used"
        if self.left_out:
            left_out = [f"{count} {WORDS[ended]}" for ended, count in self.left_out.items()]
            text += f", {_and(left_out)} left out"
        return text

    @property
    def unmeasured_reason(self) -> str | None:
        """Why no run is used ('3 runs, all failed or cancelled'); None when one is."""
        if self.used:
            return None
        if not self.left_out:
            return "no runs imported"
        words = " or ".join(WORDS[conclusion] for conclusion in self.left_out)
        if self.imported == 1:
            return f"1 run, {words}"
        return f"{self.imported} runs, all {words}"


def run_counts(samples: list[Sample], include_failed_runs: bool) -> RunCounts:
    used = [sample for sample in samples if counts(sample, include_failed_runs)]
    left_out = [sample.conclusion for sample in samples if not counts(sample, include_failed_runs)]
    return RunCounts(
        used=len(used),
        left_out={
            conclusion: left_out.count(conclusion)
            for conclusion, _ in CONCLUSIONS
            if conclusion in left_out
        },
    )


def _runs(count: int) -> str:
    return f"{count} run" if count == 1 else f"{count} runs"


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
