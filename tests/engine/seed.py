"""The seed analysis (mural-api) as Python data, copied from the seed files (never read)."""

from decider.engine.inputs import Job, Pool, Sample, Workflow
from decider.engine.vocabulary import JobKind

LATEST_RUN = 21375030400

# (key, name, runs-on, needs, kind), in declaration order: the ids are these indexes.
SEED_JOBS: list[tuple[str, str, list[str], list[str], JobKind]] = [
    ("build-test-image-api", "API Test Image", ["self-hosted", "linux", "small"], [], "build"),
    (
        "build-test-image-worker",
        "Worker Test Image",
        ["self-hosted", "linux", "small"],
        [],
        "build",
    ),
    (
        "build-test-image-migrations",
        "Migrations Test Image",
        ["self-hosted", "linux", "small"],
        [],
        "build",
    ),
    (
        "build-test-image-modules",
        "Modules Test Image",
        ["self-hosted", "linux", "small"],
        [],
        "build",
    ),
    (
        "lint-and-unit-api",
        "Lint and Unit (API)",
        ["self-hosted", "linux", "small"],
        ["build-test-image-api"],
        "check",
    ),
    (
        "test-api-integration",
        "API Integration Tests",
        ["self-hosted", "linux", "cpu-optimized"],
        ["build-test-image-api"],
        "check",
    ),
    (
        "build-production-api",
        "API Production Image",
        ["self-hosted", "linux", "medium"],
        ["build-test-image-api"],
        "build",
    ),
    (
        "build-production-worker",
        "Worker Production Image",
        ["self-hosted", "linux", "medium"],
        ["build-test-image-worker"],
        "build",
    ),
    (
        "build-production-migrations",
        "Migrations Production Image",
        ["self-hosted", "linux", "medium"],
        ["build-test-image-migrations"],
        "build",
    ),
    (
        "build-production-eight-ball",
        "Eight-Ball Production Image",
        ["self-hosted", "linux", "medium"],
        [],
        "build",
    ),
    ("publish-api", "Publish API Image", [], ["build-production-api"], "gate"),
]

# job-runs.csv: (run id, job key, seconds)
SEED_RUNS: list[tuple[int, str, float]] = [
    (21375030400, "build-test-image-api", 524),
    (21375030400, "build-production-api", 488),
    (21375030400, "build-test-image-worker", 250),
    (21375030400, "build-production-worker", 377),
    (21375030400, "build-test-image-migrations", 114),
    (21375030400, "build-production-migrations", 169),
    (21375030400, "build-test-image-modules", 112),
    (21375030400, "build-production-eight-ball", 23),
    (21373200255, "build-test-image-api", 480),
    (21373200255, "build-production-api", 475),
    (21373200255, "build-test-image-worker", 263),
    (21373200255, "build-production-worker", 406),
    (21373100172, "build-test-image-api", 450),
    (21373100172, "build-production-api", 502),
    (21373100172, "build-test-image-worker", 261),
    (21373100172, "build-production-worker", 402),
]

# runner-pools.csv: (name, labels, runners, $/month per runner, baseline utilization)
SEED_POOLS: list[tuple[str, list[str], int, float, float]] = [
    ("small", ["self-hosted", "linux", "small"], 4, 75, 0.40),
    ("medium", ["self-hosted", "linux", "medium"], 3, 100, 0.60),
    ("cpu-optimized", ["self-hosted", "linux", "cpu-optimized"], 2, 150, 0.50),
]


def seed_workflow() -> Workflow:
    ids = {key: index for index, (key, *_) in enumerate(SEED_JOBS)}
    samples: dict[str, list[Sample]] = {}
    for run_id, key, seconds in SEED_RUNS:
        samples.setdefault(key, []).append(Sample(duration_s=seconds, run_id=run_id))
    jobs = [
        Job(
            id=ids[key],
            key=key,
            name=name,
            runs_on=runs_on,
            needs=[ids[need] for need in needs],
            kind=kind,
            samples=samples.get(key, []),
        )
        for key, name, runs_on, needs, kind in SEED_JOBS
    ]
    return Workflow(name="build", jobs=jobs)


def seed_pools(**runners: int) -> list[Pool]:
    """The seed inventory; keyword arguments change a pool's runner count (medium=1)."""
    return [
        Pool(
            name=name,
            labels=labels,
            runners=runners.get(name.replace("-", "_"), count),
            monthly_usd_per_runner=cost,
            baseline_utilization=utilization,
        )
        for name, labels, count, cost, utilization in SEED_POOLS
    ]


def job_id(key: str) -> int:
    return next(index for index, (job_key, *_) in enumerate(SEED_JOBS) if job_key == key)
