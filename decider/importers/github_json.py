"""Job runs and workflow runs out of the JSON that GitHub's REST API and the gh CLI return.

Accepted shapes, recognised by their keys (see `_shape_of`):
- REST "list jobs for a workflow run" page `{"total_count", "jobs": [...]}`
- REST job `GET /actions/jobs/{id}` (has `run_id`), REST run `GET /actions/runs/{id}`
- REST runs list `{"workflow_runs": [...]}`
- `gh run view --json jobs[,...]` (camelCase jobs), `gh run view/list --json databaseId,...` runs
- `gh pr checks --json name,startedAt,completedAt,...` (refused when it has no times)
- `workflow_job` and `workflow_run` webhook deliveries (the job or run is read as in REST)
- a JSON list of any of the above (e.g. several pages), or a VCR cassette recording them.
The `/timing` response is refused: it has billable milliseconds, not start and end times.

Jobs that are still queued or in progress are skipped with a warning, not refused: GitHub
lists them in the same pages as finished ones. Finished jobs keep their conclusion, whatever
it is: failed and cancelled runs are counted and left out of durations later, not here
(DESIGN.md semantics 12). Skipped jobs, and others that did no work, are kept at 0 s so they
are counted too.
"""

import base64
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from decider.engine.runs import DID_NOT_RUN
from decider.engine.vocabulary import Conclusion
from decider.importers.records import JobRunRecord, WorkflowRunRecord
from decider.importers.text_input import (
    ProblemCollector,
    check_measured_duration,
    parse_conclusion,
    parse_timestamp,
    refuse,
)

ACCEPTED_SHAPES = (
    "Accepted JSON: a GitHub REST 'list jobs for a workflow run' response "
    '({"total_count": ..., "jobs": [...]}), one job (GET /actions/jobs/{id}), a workflow run '
    '(GET /actions/runs/{id}), a runs list ({"workflow_runs": [...]}), the output of '
    "`gh run view <run-id> --json jobs`, a workflow_job or workflow_run webhook delivery, "
    "a JSON list of these (e.g. several pages), or a VCR cassette that recorded them."
)
JOBS_COMMAND = "gh api repos/OWNER/REPO/actions/runs/RUN_ID/jobs, or gh run view RUN_ID --json jobs"
FIX_HINT = "Upload the response exactly as GitHub or the gh CLI returned it."

# The gh CLI prints Go's zero time for a step or job that has not started or finished.
_GO_ZERO_TIME = "0001-01-01"
_JOB_URL = re.compile(r"/actions/runs/(\d{1,18})/job/(\d{1,18})\b")
_UNFINISHED_CHECK_STATES = {"pending", "queued", "in_progress", "waiting", "requested", "expected"}

Shape = Literal[
    "jobs_page",
    "runs_page",
    "rest_job",
    "rest_run",
    "gh_run",
    "timing",
    "pr_checks",
    "pages",
    "job_webhook",
    "run_webhook",
]


@dataclass
class JsonRuns:
    runs: list[WorkflowRunRecord] = field(default_factory=list)
    jobs: list[JobRunRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Every job id listed, run or not, and each listing's total_count: together they tell
    # whether pages of a listing are missing.
    listed_job_ids_by_run: dict[int, set[int]] = field(default_factory=dict)
    listed_total_by_run: dict[int, int] = field(default_factory=dict)


def parse_json_runs(source: str, text: str) -> JsonRuns:
    document = _load(source, text)
    reader = _Reader(source)
    if isinstance(document, dict) and "http_interactions" in document:
        reader.read_cassette(document)
    else:
        reader.read_document(document, "")
    reader.problems.raise_if_any()
    reader.warn_about_skipped_jobs()
    return reader.result


def _load(source: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise refuse(
            source,
            f"The file is not valid JSON: {error.msg}.",
            hint="Upload the file exactly as GitHub or the gh CLI wrote it; CSV files must "
            "start with a header row.",
            line=error.lineno,
            column=error.colno,
        ) from None
    except (ValueError, RecursionError):
        raise refuse(
            source,
            "The file is not JSON we can read: it is nested too deeply or holds a number "
            "with thousands of digits.",
            hint=ACCEPTED_SHAPES,
        ) from None


def _shape_of(value: Any) -> Shape | None:
    if isinstance(value, list):
        if value and all(_looks_like_pr_check(item) for item in value):
            return "pr_checks"
        return "pages"
    if not isinstance(value, dict):
        return None
    # Webhook deliveries wrap the REST object under its event name, beside `action`.
    if isinstance(value.get("workflow_job"), dict):
        return "job_webhook"
    if isinstance(value.get("workflow_run"), dict) and "action" in value:
        return "run_webhook"
    if "jobs" in value:
        return "jobs_page"
    if "workflow_runs" in value:
        return "runs_page"
    if "billable" in value or "run_duration_ms" in value:
        return "timing"
    if "run_id" in value and "id" in value:
        return "rest_job"
    if "id" in value and any(key in value for key in ("workflow_id", "event", "jobs_url")):
        return "rest_run"
    if "databaseId" in value:
        return "gh_run"
    return None


def _looks_like_pr_check(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and "name" in item
        and any(key in item for key in ("link", "bucket", "state", "workflow"))
        and not any(key in item for key in ("id", "databaseId", "jobs"))
    )


def _join(path: str, key: str) -> str:
    if not path or key.startswith("["):
        return f"{path}{key}"
    return f"{path}.{key}"


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems = ProblemCollector(source)
        self.result = JsonRuns()
        self.skipped: list[tuple[str, str]] = []  # (job name, why it has no measured run)

    def where(self, path: str) -> str:
        return f"{self.source}, {path}" if path else self.source

    def unknown_shape(self, path: str, message: str = "", hint: str = ACCEPTED_SHAPES) -> None:
        self.problems.add(
            message or "This JSON holds none of the shapes we import.",
            hint=hint,
            field=path or None,
        )

    def read_document(self, value: Any, path: str, inside_list: bool = False) -> None:
        shape = _shape_of(value)
        if shape == "pages" and not inside_list:
            if not value:
                self.unknown_shape(path, "The file holds an empty JSON list.")
            for index, item in enumerate(value):
                self.read_document(item, _join(path, f"[{index}]"), inside_list=True)
        elif shape == "jobs_page":
            self.read_jobs_page(value, path)
        elif shape == "runs_page":
            self.read_runs_page(value, path)
        elif shape == "rest_job":
            self.read_rest_job(value, path)
        elif shape == "job_webhook":
            self.read_rest_job(value["workflow_job"], _join(path, "workflow_job"))
        elif shape == "run_webhook":
            self.read_rest_run(value["workflow_run"], _join(path, "workflow_run"))
        elif shape == "rest_run":
            self.read_rest_run(value, path)
        elif shape == "gh_run":
            self.read_gh_run(value, path)
        elif shape == "pr_checks":
            self.read_pr_checks(value, path)
        elif shape == "timing":
            self.unknown_shape(
                path,
                "This is the run timing response (GET /actions/runs/{id}/timing): it has "
                "billable milliseconds per job but no start and end times, so nothing to import.",
                hint=f"Upload the jobs of the run instead ({JOBS_COMMAND}).",
            )
        else:
            self.unknown_shape(path)

    def read_cassette(self, cassette: dict[str, Any]) -> None:
        interactions = cassette["http_interactions"]
        if not isinstance(interactions, list):
            self.problems.add(
                "'http_interactions' should be a list.", hint=FIX_HINT, field="http_interactions"
            )
            return
        recognised = 0
        for index, interaction in enumerate(interactions):
            path = f"http_interactions[{index}].response.body"
            body = self.cassette_body(interaction, path)
            if body is None:
                continue
            shape = _shape_of(body)
            if shape in (None, "timing", "pr_checks"):
                self.result.warnings.append(
                    f"{self.where(path)}: skipped a response that holds no jobs or runs."
                )
                continue
            recognised += 1
            self.read_document(body, path)
        if not recognised:
            self.unknown_shape("http_interactions", "The cassette records no jobs or runs.")

    def cassette_body(self, interaction: Any, path: str) -> Any:
        response = interaction.get("response") if isinstance(interaction, dict) else None
        body = response.get("body") if isinstance(response, dict) else None
        if not isinstance(body, dict):
            self.result.warnings.append(f"{self.where(path)}: skipped an interaction without body.")
            return None
        if isinstance(body.get("base64_string"), str):
            try:
                text = base64.b64decode(body["base64_string"]).decode("utf-8")
            except ValueError:  # binascii.Error, non-ASCII text, UnicodeDecodeError
                self.problems.add("The base64 body cannot be decoded.", hint=FIX_HINT, field=path)
                return None
        elif isinstance(body.get("string"), str):
            text = body["string"]
        else:
            text = ""
        if not text.strip():
            self.result.warnings.append(f"{self.where(path)}: skipped an empty response body.")
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            self.result.warnings.append(f"{self.where(path)}: skipped a body that is not JSON.")
            return None

    def read_jobs_page(self, page: dict[str, Any], path: str) -> None:
        jobs = page["jobs"]
        if not isinstance(jobs, list):
            self.problems.add("'jobs' should be a list.", hint=FIX_HINT, field=_join(path, "jobs"))
            return
        run_id, run_attempt = None, None
        if "databaseId" in page:  # `gh run view --json jobs,databaseId,...`: the run itself
            run = self.read_gh_run(page, path)
            run_id, run_attempt = (run.github_run_id, run.run_attempt) if run else (None, None)
        if not jobs:
            self.result.warnings.append(f"{self.where(path)}: the response lists no jobs.")
        listed: list[JobRunRecord | None] = []
        for index, job in enumerate(jobs):
            job_path = _join(path, f"jobs[{index}]")
            if not isinstance(job, dict):
                self.problems.add("A job should be a JSON object.", hint=FIX_HINT, field=job_path)
            elif any(key in job for key in ("databaseId", "startedAt", "completedAt")):
                listed.append(self.read_gh_job(job, job_path, run_id, run_attempt))
            else:
                listed.append(self.read_rest_job(job, job_path))
        total = page.get("total_count")
        run_ids = {job.github_run_id for job in listed if job is not None}
        listed_run = run_ids.pop() if len(run_ids) == 1 else None
        if isinstance(total, int) and listed_run is not None:
            known = self.result.listed_total_by_run.get(listed_run, 0)
            self.result.listed_total_by_run[listed_run] = max(known, total)

    def read_runs_page(self, page: dict[str, Any], path: str) -> None:
        runs = page["workflow_runs"]
        if not isinstance(runs, list):
            self.problems.add(
                "'workflow_runs' should be a list.",
                hint=FIX_HINT,
                field=_join(path, "workflow_runs"),
            )
            return
        if not runs:
            self.result.warnings.append(f"{self.where(path)}: the response lists no runs.")
        for index, run in enumerate(runs):
            run_path = _join(path, f"workflow_runs[{index}]")
            if isinstance(run, dict):
                self.read_rest_run(run, run_path)
            else:
                self.problems.add("A run should be a JSON object.", hint=FIX_HINT, field=run_path)

    def read_rest_run(self, run: dict[str, Any], path: str) -> None:
        run_id = self.whole_number(run, "id", path, required=True)
        if run_id is None:
            return
        self.result.runs.append(
            WorkflowRunRecord(
                github_run_id=run_id,
                run_attempt=self.whole_number(run, "run_attempt", path),
                created_at=self.moment(run, "created_at", path),
                branch=self.text(run, "head_branch", path) or "",
                event=self.text(run, "event", path) or "",
                workflow_name=self.text(run, "name", path) or "",
                workflow_path=self.text(run, "path", path) or "",
            )
        )

    def read_gh_run(self, run: dict[str, Any], path: str) -> WorkflowRunRecord | None:
        run_id = self.whole_number(run, "databaseId", path, required=True)
        if run_id is None:
            return None
        record = WorkflowRunRecord(
            github_run_id=run_id,
            run_attempt=self.whole_number(run, "attempt", path),
            created_at=self.moment(run, "createdAt", path),
            branch=self.text(run, "headBranch", path) or "",
            event=self.text(run, "event", path) or "",
            workflow_name=self.text(run, "workflowName", path)
            or self.text(run, "name", path)
            or "",
        )
        self.result.runs.append(record)
        return record

    def read_rest_job(self, job: dict[str, Any], path: str) -> JobRunRecord | None:
        return self.add_job(
            path,
            job_id=self.whole_number(job, "id", path),
            run_id=self.whole_number(job, "run_id", path),
            run_attempt=self.whole_number(job, "run_attempt", path),
            name=self.text(job, "name", path, required=True),
            status=self.text(job, "status", path),
            conclusion=self.text(job, "conclusion", path),
            created_at=self.moment(job, "created_at", path),
            started_at=self.moment(job, "started_at", path),
            completed_at=self.moment(job, "completed_at", path),
            runner_name=self.text(job, "runner_name", path),
            runner_group=self.text(job, "runner_group_name", path),
            runner_labels=self.labels(job, "labels", path),
        )

    def read_gh_job(
        self, job: dict[str, Any], path: str, run_id: int | None, run_attempt: int | None
    ) -> JobRunRecord | None:
        job_id = self.whole_number(job, "databaseId", path)
        url_ids = _ids_from_url(job.get("url"))
        return self.add_job(
            path,
            job_id=job_id if job_id is not None else url_ids[1],
            run_id=run_id if run_id is not None else url_ids[0],
            run_attempt=run_attempt,
            name=self.text(job, "name", path, required=True),
            status=self.text(job, "status", path),
            conclusion=self.text(job, "conclusion", path),
            created_at=self.moment(job, "createdAt", path),
            started_at=self.moment(job, "startedAt", path),
            completed_at=self.moment(job, "completedAt", path),
            runner_name=self.text(job, "runnerName", path),
            runner_group=None,
            runner_labels=self.labels(job, "labels", path),
        )

    def read_pr_checks(self, checks: list[dict[str, Any]], path: str) -> None:
        if not any("startedAt" in check or "completedAt" in check for check in checks):
            self.unknown_shape(
                path,
                "This looks like `gh pr checks --json` output without start and end times, "
                "so it holds no durations.",
                hint=f"Upload the jobs of the run instead ({JOBS_COMMAND}), or add "
                "startedAt,completedAt to the --json fields.",
            )
            return
        for index, check in enumerate(checks):
            check_path = _join(path, f"[{index}]")
            run_id, job_id = _ids_from_url(check.get("link"))
            state = (self.text(check, "state", check_path) or "").lower()
            self.add_job(
                check_path,
                job_id=job_id,
                run_id=run_id,
                run_attempt=None,
                name=self.text(check, "name", check_path, required=True),
                status="in_progress" if state in _UNFINISHED_CHECK_STATES else "completed",
                conclusion=state or None,
                created_at=None,
                started_at=self.moment(check, "startedAt", check_path),
                completed_at=self.moment(check, "completedAt", check_path),
                runner_name=None,
                runner_group=None,
                runner_labels=[],
            )

    def add_job(
        self,
        path: str,
        *,
        job_id: int | None,
        run_id: int | None,
        run_attempt: int | None,
        name: str | None,
        status: str | None,
        conclusion: str | None,
        created_at: datetime | None,
        started_at: datetime | None,
        completed_at: datetime | None,
        runner_name: str | None,
        runner_group: str | None,
        runner_labels: list[str],
    ) -> JobRunRecord | None:
        if name is None:
            return None
        try:
            ended: Conclusion | None = parse_conclusion(conclusion or "")
        except ValueError:
            ended = None
        record = JobRunRecord(
            github_job_id=job_id,
            github_run_id=run_id,
            run_attempt=run_attempt,
            job_name=name,
            created_at=created_at,
            started_at=started_at,
            completed_at=completed_at,
            # A job that did no work still counts as a run of its job, of no length.
            duration_s=0.0 if ended in DID_NOT_RUN else None,
            conclusion=ended,
            runner_name=runner_name,
            runner_group=runner_group,
            runner_labels=runner_labels,
            source_location=self.where(path),
        )
        if run_id is not None and job_id is not None:
            self.result.listed_job_ids_by_run.setdefault(run_id, set()).add(job_id)
        why_not = _why_not_measured(status, conclusion, ended, started_at, completed_at)
        if why_not:
            self.skipped.append((name, why_not))
            return record
        if started_at is not None and completed_at is not None:
            try:
                check_measured_duration((completed_at - started_at).total_seconds())
            except ValueError as error:
                self.problems.add(
                    f"'{name}' cannot have run that long (completed - started): {error}.",
                    hint=FIX_HINT,
                    field=path,
                )
                return None
        if created_at is not None and started_at is not None and created_at > started_at:
            self.result.warnings.append(
                f"{self.where(path)}: '{name}' was created after it started; its queue wait "
                "is left unknown."
            )
            record.created_at = None
        self.result.jobs.append(record)
        return record

    def warn_about_skipped_jobs(self) -> None:
        if not self.skipped:
            return
        shown = ", ".join(f"'{name}' ({why})" for name, why in self.skipped[:5])
        more = f" and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else ""
        self.result.warnings.append(
            f"{self.source}: skipped {len(self.skipped)} job(s) with no measured run: "
            f"{shown}{more}."
        )

    def whole_number(
        self, obj: dict[str, Any], key: str, path: str, required: bool = False
    ) -> int | None:
        value = obj.get(key)
        if value is None and not required:
            return None
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63:
            return value
        self.problems.add(
            f"'{key}' should be a whole number, not {_describe(value)}.",
            hint=FIX_HINT,
            field=_join(path, key),
        )
        return None

    def text(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> str | None:
        value = obj.get(key)
        if isinstance(value, str) and (value.strip() or not required):
            return value
        if value is None and not required:
            return None
        self.problems.add(
            f"'{key}' should be {'a non-empty' if required else 'a'} string, "
            f"not {_describe(value)}.",
            hint=FIX_HINT,
            field=_join(path, key),
        )
        return None

    def moment(self, obj: dict[str, Any], key: str, path: str) -> datetime | None:
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            if value.startswith(_GO_ZERO_TIME):
                return None
            try:
                return parse_timestamp(value)
            except ValueError as error:
                message = f"'{key}' should be a date and time: {error}."
        else:
            message = f"'{key}' should be a date and time, not {_describe(value)}."
        self.problems.add(message, hint=FIX_HINT, field=_join(path, key))
        return None

    def labels(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        value = obj.get(key)
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(label, str) for label in value):
            return value
        self.problems.add(
            f"'{key}' should be a list of strings, not {_describe(value)}.",
            hint=FIX_HINT,
            field=_join(path, key),
        )
        return []


def _why_not_measured(
    status: str | None,
    conclusion: str | None,
    ended: Conclusion | None,
    started_at: datetime | None,
    completed_at: datetime | None,
) -> str:
    if status is not None and status != "completed":
        return f"status {status}"
    if conclusion and ended is None:
        return f"conclusion '{conclusion[:40]}' is not one of GitHub's"
    if ended in DID_NOT_RUN:
        return ""
    if started_at is None or completed_at is None:
        return "no start or end time"
    # GitHub reports some cancelled jobs as ending before they started.
    if completed_at < started_at:
        return "ended before it started"
    return ""


def _ids_from_url(url: Any) -> tuple[int | None, int | None]:
    match = _JOB_URL.search(url) if isinstance(url, str) else None
    if match is None:
        return None, None
    return int(match[1]), int(match[2])


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, int | float):
        return f"the number {value!r}"[:60]
    return f"a JSON {'list' if isinstance(value, list) else 'object'}"
