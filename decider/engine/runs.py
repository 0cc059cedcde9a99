"""Which measured runs a job's duration comes from (DESIGN.md semantics 12).

Successful runs count. `neutral` counts too: GitHub gives it to a run that completed without
failing (branch protection treats a neutral check as passed), so its duration is a whole run.
A run with no conclusion (a CSV without the column) counts, as before conclusions were read.
Failed, cancelled and timed-out runs stopped part-way: they are left out unless the scenario
includes them. Skipped runs, runs that never started, runs awaiting action and stale runs did
no work at all, so they never count. Every run is counted per job, used or left out.
"""

import threading
from collections import OrderedDict

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


class CountedRuns:
    """A job's runs under one rule (failed ones included or not), with what the engine reads
    from them: the runs that count, the counts, their durations, duration per workflow run,
    and each statistic once asked for (`durations.counted_statistic`)."""

    def __init__(self, samples: list[Sample], include_failed_runs: bool) -> None:
        self.samples = counted_samples(samples, include_failed_runs)
        self.counts = run_counts(samples, include_failed_runs)
        self.durations = [sample.duration_s for sample in self.samples]
        self.by_run = {
            sample.run_id: sample.duration_s for sample in self.samples if sample.run_id is not None
        }
        self.statistics: dict[str, float] = {}
        # Cache-reuse evidence against another job's runs (`evidence.shared_runs`).
        self.shared_with: dict[int, tuple[CountedRuns, tuple[int, float, float]]] = {}


# A long history is summarized once, not on every request. Keyed on the identity of the
# samples list (engine inputs are never changed in place; the entry holds the list, so its
# id cannot be reused while cached). Short lists are cheaper to summarize than to look up.
MEMO_FROM_SAMPLES = 64
# Summaries hold their runs, so the memo is bounded by runs held (about as many as the
# adapter's cache of stored runs), not by entries; the newest always stays.
MEMO_SAMPLES = 400_000
_memo: OrderedDict[tuple[int, bool], tuple[list[Sample], CountedRuns]] = OrderedDict()
_memo_lock = threading.Lock()


def counted(samples: list[Sample], include_failed_runs: bool) -> CountedRuns:
    if len(samples) < MEMO_FROM_SAMPLES:
        return CountedRuns(samples, include_failed_runs)
    key = (id(samples), include_failed_runs)
    with _memo_lock:
        entry = _memo.get(key)
        if entry is not None and entry[0] is samples:
            _memo.move_to_end(key)
            return entry[1]
    runs = CountedRuns(samples, include_failed_runs)
    with _memo_lock:
        _memo[key] = (samples, runs)
        while len(_memo) > 1 and sum(len(held) for held, _ in _memo.values()) > MEMO_SAMPLES:
            _memo.popitem(last=False)
    return runs
