"""Cache-reuse evidence (DESIGN.md semantics 8): does a production build reuse its test build?

If the production build reused the test image's layers it would be much faster than the test
build when run after it. r = sum(prod) / sum(test) over the runs that measured both.
"""

import re
from typing import Literal

from pydantic import BaseModel

from decider.engine.inputs import CachePair, Scenario, Workflow
from decider.engine.runs import CountedRuns, counted

Reading = Literal["independent", "reuses", "inconclusive", "no_data"]

INDEPENDENT_AT_LEAST = 0.5
REUSES_AT_MOST = 0.25

# Tokens that mark a key as the test or the production variant of the same image.
TEST_TOKENS = frozenset({"test", "tests"})
PROD_TOKENS = frozenset({"production", "prod"})
NEUTRAL_TOKENS = frozenset({"image", "images"})


class PairEvidence(BaseModel):
    test: int
    prod: int
    test_key: str
    prod_key: str
    runs: int  # runs that measured both
    test_s: float
    prod_s: float
    ratio: float | None
    change_pct: float | None  # prod vs test, e.g. +0.8
    reading: Reading
    text: str


class CacheEvidence(BaseModel):
    pairs: list[PairEvidence]


def _tokens(key: str) -> list[str]:
    return [token for token in re.split(r"[^a-z0-9]+", key.lower()) if token]


def _stem(key: str, marker: frozenset[str]) -> tuple[str, ...] | None:
    tokens = _tokens(key)
    if not marker & set(tokens):
        return None
    ignored = marker | NEUTRAL_TOKENS
    return tuple(token for token in tokens if token not in ignored)


def paired_builds(workflow: Workflow, scenario: Scenario | None = None) -> list[CachePair]:
    """Test/prod pairs: the scenario's explicit ones, then keys that differ only in the marker.

    build-test-image-api pairs with build-production-api: both reduce to (build, api).
    """
    pairs = list(scenario.cache_pairs) if scenario else []
    taken = {pair.test for pair in pairs} | {pair.prod for pair in pairs}
    test_by_stem: dict[tuple[str, ...], int] = {}
    for job in workflow.jobs:
        stem = _stem(job.key, TEST_TOKENS)
        if stem and job.id not in taken and not _stem(job.key, PROD_TOKENS):
            test_by_stem.setdefault(stem, job.id)
    for job in workflow.jobs:
        stem = _stem(job.key, PROD_TOKENS)
        if stem and job.id not in taken and stem in test_by_stem:
            pairs.append(CachePair(test=test_by_stem.pop(stem), prod=job.id))
    return pairs


def _read(ratio: float | None) -> Reading:
    if ratio is None:
        return "no_data"
    if ratio >= INDEPENDENT_AT_LEAST:
        return "independent"
    if ratio <= REUSES_AT_MOST:
        return "reuses"
    return "inconclusive"


READING_TEXT: dict[Reading, str] = {
    "independent": "the builds are independent: running them in parallel loses no cache",
    "reuses": "the production build seems to reuse the test build's work: parallel loses it",
    "inconclusive": "inconclusive: the production build may partly reuse the test build",
    "no_data": "no run measured both builds",
}


def shared_runs(test: CountedRuns, prod: CountedRuns) -> tuple[int, float, float]:
    """(runs measuring both, their test seconds, their prod seconds), computed once per pair
    of summarized histories (kept on the test side's summary, with the prod side it was for)."""
    cached = test.shared_with.get(id(prod))
    if cached is not None and cached[0] is prod:
        return cached[1]
    shared = sorted(test.by_run.keys() & prod.by_run.keys())
    result = (
        len(shared),
        sum(test.by_run[run] for run in shared),
        sum(prod.by_run[run] for run in shared),
    )
    if len(test.shared_with) >= 8:  # a short prod history is a new summary every time
        test.shared_with.clear()
    test.shared_with[id(prod)] = (prod, result)
    return result


def pair_evidence(workflow: Workflow, pair: CachePair, include_failed_runs: bool) -> PairEvidence:
    """Over the runs that count, as for durations: a cancelled build says nothing of reuse."""
    jobs = workflow.by_id()
    test, prod = jobs[pair.test], jobs[pair.prod]
    shared, test_s, prod_s = shared_runs(
        counted(test.samples, include_failed_runs), counted(prod.samples, include_failed_runs)
    )
    ratio = prod_s / test_s if shared and test_s > 0 else None
    reading = _read(ratio)
    change = None if ratio is None else (ratio - 1) * 100
    summary = READING_TEXT[reading]
    if ratio is not None:
        summary = (
            f"{prod.key} takes {change:+.1f}% vs {test.key} over {shared} run(s) "
            f"(r = {ratio:.2f}): {summary}."
        )
    else:
        summary = f"{prod.key} vs {test.key}: {summary}."
    return PairEvidence(
        test=test.id,
        prod=prod.id,
        test_key=test.key,
        prod_key=prod.key,
        runs=shared,
        test_s=test_s,
        prod_s=prod_s,
        ratio=ratio,
        change_pct=change,
        reading=reading,
        text=summary,
    )


def cache_evidence(workflow: Workflow, scenario: Scenario | None = None) -> CacheEvidence:
    include_failed_runs = scenario.include_failed_runs if scenario else False
    return CacheEvidence(
        pairs=[
            pair_evidence(workflow, pair, include_failed_runs)
            for pair in paired_builds(workflow, scenario)
        ]
    )
