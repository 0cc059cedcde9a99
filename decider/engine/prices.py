"""The price book: dated per-minute rates for GitHub-hosted runners, runner vendors and GitHub's
platform charge on self-hosted minutes, and the billing arithmetic that turns a pipeline's jobs
into dollars (issue 12).

Rules, from GitHub's billing documentation ("Actions runner pricing"):
- Each job is billed on its own, in whole minutes, rounded up: a 61 s job bills 2 minutes. A
  job that did not run (0 s: skipped, or never started) bills nothing.
- A rate holds from its `effective_from` day up to, not including, its `effective_to` day; the
  scenario's date picks the one in force (GitHub lowered most rates on 1 January 2026).
- A team's own row for a size replaces the book's for the days it covers (a negotiated rate,
  a vendor's quote); the book's rows still apply outside them.
- The platform charge on self-hosted minutes is a row like any other but off unless the
  scenario asks for it: GitHub announced it and then postponed it, so a manager can see what
  it would cost without it counting by default.

Self-hosted pools are priced per runner-month in the inventory (engine/inputs.Pool), not here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from decider.engine import limits

RateKind = Literal["github_hosted", "vendor", "platform_charge"]

# The size whose per-minute rate GitHub charges on self-hosted minutes, when it does.
PLATFORM_CHARGE = "self-hosted-platform"


class Rate(BaseModel):
    """One dated per-minute price of a runner size."""

    size: str = Field(min_length=1, max_length=100)  # e.g. "linux-2-core", GitHub's names
    label: str = Field(default="", max_length=200)  # how people call it: "Linux 2-core"
    kind: RateKind = "github_hosted"
    vendor: str = Field(default="", max_length=100)  # who sells it, for vendor rows
    usd_per_minute: float = Field(ge=0, le=limits.MAX_USD_PER_MINUTE)
    effective_from: date
    effective_to: date | None = None  # exclusive; None: still in force
    source: str = Field(default="", max_length=500)  # where the figure comes from
    on_by_default: bool = True  # False: counted only when the scenario asks (platform charge)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Rate:
        if self.effective_to is not None and self.effective_to <= self.effective_from:
            raise ValueError(
                f"{self.size}: effective_to ({self.effective_to}) must be after effective_from "
                f"({self.effective_from})"
            )
        return self

    @property
    def usd_per_hour(self) -> float:
        return self.usd_per_minute * 60

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


class PriceBook(BaseModel):
    rates: list[Rate]

    def rate(self, size: str, on: date) -> Rate | None:
        """The rate of `size` in force on `on`; None when the book has none that day. Of two
        rows in force the one that started later wins (a correction supersedes)."""
        found = [rate for rate in self.rates if rate.size == size and rate.in_force(on)]
        return max(found, key=lambda rate: rate.effective_from) if found else None

    def in_force(self, on: date) -> list[Rate]:
        """Every size's rate on `on`, in the book's order."""
        sizes = dict.fromkeys(rate.size for rate in self.rates)
        return [rate for size in sizes if (rate := self.rate(size, on)) is not None]

    def overridden_by(self, team_rates: Sequence[Rate]) -> PriceBook:
        """The book with a team's rows: for each of its sizes, the team's rows replace the
        book's on the days they cover; the book's rows still hold on other days."""
        kept: list[Rate] = []
        for rate in self.rates:
            mine = [own for own in team_rates if own.size == rate.size]
            kept.extend(_outside(rate, mine))
        return PriceBook(rates=kept + list(team_rates))


def _outside(rate: Rate, covers: Sequence[Rate]) -> list[Rate]:
    """The parts of `rate`'s days that none of `covers` covers (each part a copy of `rate`)."""
    parts = [rate]
    for cover in covers:
        next_parts = []
        for part in parts:
            if _ends_before(part.effective_to, cover.effective_from) or _ends_before(
                cover.effective_to, part.effective_from
            ):
                next_parts.append(part)  # no overlap
                continue
            if part.effective_from < cover.effective_from:
                next_parts.append(part.model_copy(update={"effective_to": cover.effective_from}))
            if cover.effective_to is not None and (
                part.effective_to is None or cover.effective_to < part.effective_to
            ):
                next_parts.append(part.model_copy(update={"effective_from": cover.effective_to}))
        parts = next_parts
    return parts


def _ends_before(end: date | None, start: date) -> bool:
    """A span ending (exclusively) at `end` has no day on or after `start`."""
    return end is not None and end <= start


def billed_minutes(duration_s: float) -> int:
    """GitHub bills each job in whole minutes, rounded up; a job of no length bills nothing."""
    if duration_s <= 0:
        return 0
    # A float a hair above a whole minute (120.0000001 s from a sum) is that minute.
    return math.ceil(round(duration_s / 60, 9))


def pipeline_minutes(job_durations_s: Iterable[float]) -> int:
    """Billed minutes of one pipeline: each job rounded up on its own, then added."""
    return sum(billed_minutes(seconds) for seconds in job_durations_s)


def pipeline_usd(job_durations_s: Iterable[float], rate: Rate) -> float:
    return pipeline_minutes(job_durations_s) * rate.usd_per_minute


def monthly_usd(job_durations_s: Iterable[float], rate: Rate, pipelines_per_month: float) -> float:
    """What running the jobs of `pipelines_per_month` pipelines at `rate` costs a month."""
    return pipeline_usd(job_durations_s, rate) * pipelines_per_month


def platform_charge_usd(
    self_hosted_job_durations_s: Iterable[float],
    book: PriceBook,
    on: date,
    *,
    counted: bool | None = None,
) -> float:
    """GitHub's per-minute platform charge on self-hosted minutes of one pipeline, on `on`.
    `counted` None follows the rate's default (off for the postponed charge); 0 when the book
    has no charge in force that day."""
    rate = book.rate(PLATFORM_CHARGE, on)
    if rate is None or not (rate.on_by_default if counted is None else counted):
        return 0.0
    return pipeline_usd(self_hosted_job_durations_s, rate)
