"""Guess a job's kind from the words in its id and name, for the publish-gate safety rule.

A hint only: the user can correct it. The table is ordered; the first kind with a matching word
wins, so `build-and-push` is a gate (it pushes) and `build-test-image` is a build (it builds
the image tests run in, it does not test anything).
"""

import re

from decider.engine.vocabulary import JobKind

# Word stems: a word matches when it starts with the stem (`test` matches `tests`, `testing`).
KIND_WORDS: list[tuple[JobKind, tuple[str, ...]]] = [
    ("gate", ("publish", "deploy", "release", "push", "ship", "promote", "rollout")),
    ("build", ("build", "compile", "bundle")),
    (
        "check",
        (
            "test",
            "lint",
            "check",
            "scan",
            "verify",
            "validat",
            "e2e",
            "integration",
            "unit",
            "audit",
            "analy",
            "codeql",
            "coverage",
            "smoke",
            "precommit",
            "typecheck",
            "mypy",
            "ruff",
            "eslint",
            "staticcheck",
        ),
    ),
]

_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def job_kind(*texts: str) -> JobKind:
    words = [
        word.lower()
        for text in texts
        for word in _WORD.findall(text.replace("pre-commit", "precommit"))
    ]
    for kind, stems in KIND_WORDS:
        if any(word.startswith(stem) for word in words for stem in stems):
            return kind
    return "other"
