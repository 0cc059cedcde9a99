"""Which workflow job each measured job run belongs to.

A run names its job the way its source does: GitHub reports display names (`test (Python
3.7)` for a matrix instance, `deploy / sync` for a job of a called workflow), hand-made CSVs
often use YAML keys. The rules are tried in this order and the first rule that finds any
job decides:

1. the job's display name, exactly;
2. the job's key, exactly (YAML id, `id (v1, v2)` for matrix instances, `caller / callee`
   for expanded reusable workflows);
3. the display name, then 4. the key, ignoring case, repeated spaces and spaces around `/`;
5. a display name or key holding an expression we could not evaluate (`Go ${{
   needs.meta.outputs.go-version }} linux arm build`), read as a pattern where each
   expression stands for any text, as GitHub's evaluated names read (`Go 1.22.3 linux arm
   build`); then 6. the same, normalized as in 3. A name made only of expressions and
   punctuation is no pattern: it would match anything;
7. a job flagged `reusable_unexpanded` (its callee was not imported) whose name or key,
   followed by ` / `, starts the run's name, exactly; then 8. the same, normalized as in 3.

When a rule finds two or more jobs (e.g. two jobs share a display name), the run is
*ambiguous*: it is reported with the candidates, never guessed. What no rule finds is
*unmatched*. Nothing is dropped.

An unexpanded call stands for the whole called workflow, so the runs of its callee jobs in
one run attempt are collapsed into one record spanning the earliest start to the latest end.
"""

import re
from collections.abc import Callable
from datetime import datetime
from itertools import groupby

from pydantic import BaseModel, Field

from decider.engine.runs import DID_NOT_RUN
from decider.engine.vocabulary import Conclusion
from decider.importers.expressions import WildcardPattern, wildcard_pattern
from decider.importers.records import JobRecord, JobRunRecord

_SPACES_AROUND_SLASH = re.compile(r"\s*/\s*")
_WORST_CONCLUSIONS: list[Conclusion] = [
    "failure",
    "timed_out",
    "cancelled",
    "startup_failure",
    "action_required",
]


class AmbiguousRun(BaseModel):
    record: JobRunRecord
    candidate_keys: list[str]


class MatchResult(BaseModel):
    matched: list[tuple[str, JobRunRecord]] = Field(default_factory=list)  # (job key, run)
    unmatched: list[JobRunRecord] = Field(default_factory=list)
    ambiguous: list[AmbiguousRun] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


def normalize(name: str) -> str:
    return _SPACES_AROUND_SLASH.sub(" / ", " ".join(name.split())).casefold()


_AS_GIVEN_THEN_NORMALIZED: tuple[Callable[[str], str], ...] = (str, normalize)


def match_job_runs(jobs: list[JobRecord], runs: list[JobRunRecord]) -> MatchResult:
    finder = _JobFinder(jobs)
    result = MatchResult()
    # (job key, record, position in `runs`) for runs of unexpanded calls, collapsed below.
    callee_runs: list[tuple[str, JobRunRecord, int]] = []
    placed: list[tuple[int, str, JobRunRecord]] = []
    for position, record in enumerate(runs):
        keys, by_prefix = finder.find(record.job_name)
        if not keys:
            result.unmatched.append(record)
        elif len(keys) > 1:
            result.ambiguous.append(AmbiguousRun(record=record, candidate_keys=keys))
        elif by_prefix:
            callee_runs.append((keys[0], record, position))
        else:
            placed.append((position, keys[0], record))
    placed.extend(_collapse_callee_runs(callee_runs, result.warnings))
    result.matched = [(key, record) for _, key, record in sorted(placed, key=lambda p: p[0])]
    return result


class _JobFinder:
    def __init__(self, jobs: list[JobRecord]) -> None:
        self.exact_rules: list[dict[str, list[str]]] = [{}, {}, {}, {}]
        for job in jobs:
            for rule, name in enumerate(
                [job.name, job.key, normalize(job.name), normalize(job.key)]
            ):
                keys = self.exact_rules[rule].setdefault(name, [])
                if job.key not in keys:
                    keys.append(job.key)
        self.unexpanded = [job for job in jobs if "reusable_unexpanded" in job.flags]
        # (exact patterns, normalized patterns) of the jobs whose name or key holds an
        # expression: their runs carry the evaluated value.
        self.patterns: tuple[list[tuple[WildcardPattern, str]], ...] = ([], [])
        for job in jobs:
            for transform, patterns in zip(_AS_GIVEN_THEN_NORMALIZED, self.patterns, strict=True):
                for text in dict.fromkeys([job.name, job.key]):
                    pattern = wildcard_pattern(transform(text))
                    if pattern is not None:
                        patterns.append((pattern, job.key))

    def find(self, run_name: str) -> tuple[list[str], bool]:
        """The keys found by the first rule that finds any, and whether it was a prefix rule."""
        keys = self.exact_rules[0].get(run_name) or self.exact_rules[1].get(run_name)
        if keys:
            return keys, False
        normalized = normalize(run_name)
        keys = self.exact_rules[2].get(normalized) or self.exact_rules[3].get(normalized)
        if keys:
            return keys, False
        for transform, patterns in zip(_AS_GIVEN_THEN_NORMALIZED, self.patterns, strict=True):
            found = transform(run_name)
            keys = list(dict.fromkeys(key for pattern, key in patterns if pattern.matches(found)))
            if keys:
                return keys, False
        for transform in (str, normalize):
            keys = [
                job.key
                for job in self.unexpanded
                if any(
                    transform(run_name).startswith(transform(caller) + " / ")
                    for caller in (job.name, job.key)
                )
            ]
            if keys:
                return keys, True
        return [], False


def _collapse_callee_runs(
    callee_runs: list[tuple[str, JobRunRecord, int]], warnings: list[str]
) -> list[tuple[int, str, JobRunRecord]]:
    """One record per (job, run, attempt); runs without a run id cannot be grouped."""

    def group_key(item: tuple[str, JobRunRecord, int]) -> tuple[str, int, int, int]:
        key, record, position = item
        if record.github_run_id is None:
            return (key, -1, -1, position)
        return (key, record.github_run_id, record.run_attempt or 0, -1)

    placed: list[tuple[int, str, JobRunRecord]] = []
    for _, group in groupby(sorted(callee_runs, key=group_key), key=group_key):
        members = list(group)
        key, records = members[0][0], [record for _, record, _ in members]
        first_position = min(position for _, _, position in members)
        placed.append(
            (first_position, key, _span(records, warnings) if len(records) > 1 else records[0])
        )
    return placed


def _span(records: list[JobRunRecord], warnings: list[str]) -> JobRunRecord:
    names = list(dict.fromkeys(record.job_name for record in records))
    # Callee jobs that did no work (skipped) say nothing about when the call ran.
    worked = [record for record in records if record.conclusion not in DID_NOT_RUN] or records
    timed = all(record.started_at and record.completed_at for record in worked)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    duration: float | None = None
    if timed:
        started_at = min(record.started_at for record in worked if record.started_at)
        completed_at = max(record.completed_at for record in worked if record.completed_at)
    else:
        duration = sum(_duration(record) for record in worked)
        warnings.append(
            f"Run {records[0].github_run_id}: {', '.join(names)} have no start and end times, "
            "so the call's duration is their sum (as if they ran one after another)."
        )
    created = [record.created_at for record in records if record.created_at]
    runner_names = {record.runner_name for record in records}
    runner_groups = {record.runner_group for record in records}
    job_ids = [record.github_job_id for record in records if record.github_job_id is not None]
    return JobRunRecord(
        # The smallest member id keeps the collapsed record's identity stable on re-import.
        github_job_id=min(job_ids) if job_ids else None,
        github_run_id=records[0].github_run_id,
        run_attempt=records[0].run_attempt,
        job_name=", ".join(names),
        created_at=min(created) if created else None,
        started_at=started_at,
        completed_at=completed_at,
        duration_s=duration,
        conclusion=_overall_conclusion([record.conclusion for record in records]),
        runner_name=runner_names.pop() if len(runner_names) == 1 else None,
        runner_group=runner_groups.pop() if len(runner_groups) == 1 else None,
        runner_labels=list(
            dict.fromkeys(label for record in records for label in record.runner_labels)
        ),
        source_location="; ".join(record.source_location for record in records),
    )


def _duration(record: JobRunRecord) -> float:
    if record.started_at and record.completed_at:
        return (record.completed_at - record.started_at).total_seconds()
    return record.duration_s or 0.0


def _overall_conclusion(conclusions: list[Conclusion | None]) -> Conclusion | None:
    distinct = set(conclusions)
    if len(distinct) == 1:
        return distinct.pop()
    for worst in _WORST_CONCLUSIONS:
        if worst in distinct:
            return worst
    return next((c for c in conclusions if c not in (None, "success", "skipped")), "success")
