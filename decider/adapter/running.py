"""One way to run the engine for a page, a PDF or a comparison, with the verdict cached."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from django.core.cache import cache

from decider.engine import inputs as engine_inputs
from decider.engine.analysis import Analysis, analyze
from decider.engine.runs import MEMO_FROM_SAMPLES, MEMO_SIZE

# The verdict's Monte Carlo takes a few hundred ms; the same inputs give the same answer
# (seeded), so a what-if the user returns to is answered from the cache.
ANALYSIS_CACHE_SECONDS = 3600


def run_analysis(
    workflow: engine_inputs.Workflow,
    pools: list[engine_inputs.Pool],
    scenario: engine_inputs.Scenario,
    *,
    with_verdict: bool,
    seed: int = 0,
) -> Analysis:
    if not with_verdict:
        return analyze(workflow, pools, scenario, seed=seed, simulator=None)
    digest = hashlib.sha256()
    digest.update(workflow.model_dump_json(exclude={"jobs": {"__all__": {"samples"}}}).encode())
    for job in workflow.jobs:
        digest.update(_samples_digest(job.samples))
    for part in (*pools, scenario):
        digest.update(part.model_dump_json().encode())
    key = f"analysis:{seed}:{digest.hexdigest()}"
    cached = cache.get(key)
    if cached is not None:
        return Analysis.model_validate_json(cached)
    analysis = analyze(workflow, pools, scenario, seed=seed)
    cache.set(key, analysis.model_dump_json(), ANALYSIS_CACHE_SECONDS)
    return analysis


# Digests of long histories, by the identity of their samples list (cached lists are the
# same object every request; see engine.runs.counted): dumping 100k runs to JSON for every
# cached verdict would cost more than the verdict.
_digests: OrderedDict[int, tuple[list[engine_inputs.Sample], bytes]] = OrderedDict()
_digests_lock = threading.Lock()


def _samples_digest(samples: list[engine_inputs.Sample]) -> bytes:
    if len(samples) < MEMO_FROM_SAMPLES:
        return _digest_of(samples)
    with _digests_lock:
        entry = _digests.get(id(samples))
        if entry is not None and entry[0] is samples:
            return entry[1]
    value = _digest_of(samples)
    with _digests_lock:
        _digests[id(samples)] = (samples, value)
        while len(_digests) > MEMO_SIZE:
            _digests.popitem(last=False)
    return value


def _digest_of(samples: list[engine_inputs.Sample]) -> bytes:
    digest = hashlib.sha256()
    for sample in samples:
        digest.update(sample.model_dump_json().encode())
    return digest.digest()
