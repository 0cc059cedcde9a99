"""Find the file a job-level `uses:` calls among the files imported together.

Uploaded files lose their repository and folder, so names carry them instead: a local call
`./.github/workflows/X.yml` matches a file named `X.yml` (or a path ending in it) or
`owner__repo__X.yml`; a cross-repository call `owner/repo/.github/workflows/X.yml@ref` matches
`owner__repo__X.yml`. A version infix before the extension (`X.at-<sha>.yml`, `X.2024-05-17.yml`)
is allowed, but an exact name is preferred, and so is a file from the caller's repository.
"""

import re
from dataclasses import dataclass

_LOCAL_CALL = re.compile(r"^\./\.github/workflows/(?P<file>[^/@]+\.ya?ml)$")
_REMOTE_CALL = re.compile(
    r"^(?P<owner>[^/@\s]+)/(?P<repo>[^/@\s]+)/\.github/workflows/(?P<file>[^/@]+\.ya?ml)@\S+$"
)
_VERSION_INFIX = re.compile(r"^(?P<stem>.+?)(?P<infix>\.at-[0-9a-fA-F]+|\.\d{4}-\d{2}-\d{2})?$")


@dataclass(frozen=True)
class CallTarget:
    workflow_file: str  # e.g. build.yml
    owner: str | None = None  # None: the caller's own repository
    repo: str | None = None


@dataclass(frozen=True)
class _FileIdentity:
    owner: str | None
    repo: str | None
    workflow_file: str  # the name without repository prefix and version infix
    has_infix: bool
    in_workflows_folder: bool


def parse_call(uses: str) -> CallTarget | None:
    """The workflow a job-level `uses:` names, or None when it is not a workflow reference."""
    uses = uses.strip()
    local = _LOCAL_CALL.match(uses)
    if local:
        return CallTarget(local["file"])
    remote = _REMOTE_CALL.match(uses)
    if remote:
        return CallTarget(remote["file"], remote["owner"], remote["repo"])
    return None


def find_callee(
    target: CallTarget, caller_file: str, file_names: list[str]
) -> tuple[str | None, list[str]]:
    """The best matching file name, and the other names that matched as well as it did."""
    caller = _identify(caller_file)
    owner = target.owner if target.owner is not None else caller.owner
    repo = target.repo if target.repo is not None else caller.repo
    scored: list[tuple[int, str]] = []
    for name in file_names:
        identity = _identify(name)
        if identity.workflow_file != target.workflow_file:
            continue
        same_repository = (identity.owner or "").lower() == (owner or "").lower() and (
            identity.repo or ""
        ).lower() == (repo or "").lower()
        if target.owner is not None and not same_repository:
            continue  # another repository's file of the same name is not this callee
        score = 4 * same_repository + 2 * (not identity.has_infix) + identity.in_workflows_folder
        scored.append((score, name))
    if not scored:
        return None, []
    best = max(score for score, _ in scored)
    winners = [name for score, name in scored if score == best]
    return winners[0], winners[1:]


def _identify(file_name: str) -> _FileIdentity:
    normalized = file_name.replace("\\", "/")
    base = normalized.rsplit("/", 1)[-1]
    owner = repo = None
    parts = base.split("__")
    if len(parts) >= 3:
        owner, repo, base = parts[0], parts[1], "__".join(parts[2:])
    stem, dot, extension = base.rpartition(".")
    if not dot:
        return _FileIdentity(owner, repo, base, False, False)
    version = _VERSION_INFIX.match(stem)
    infix = version["infix"] if version else None
    plain_stem = version["stem"] if version and infix else stem
    return _FileIdentity(
        owner=owner,
        repo=repo,
        workflow_file=f"{plain_stem}.{extension}",
        has_infix=bool(infix),
        in_workflows_folder=normalized.endswith(f".github/workflows/{base}"),
    )
