"""The largest numbers anyone may send, chosen from what a real team can have.

Every way in (the what-if form, the pools form and CSV, JSON uploads, the commands, stored
scenarios) checks against these, so no input can ask the engine for unbounded work. Each
limit is generous for a real team and far below what would stall a worker: a pool of 10^8
runners or a burst of 10^6 pipelines is a typing error or an attack, never a plan.

`HELP` words each limit once, for form help texts and error messages.
"""

from datetime import UTC, date, datetime, timedelta

# Runners per pool: the largest self-hosted fleets behind one label are a few hundred.
MAX_RUNNERS = 1000
# Pipelines of one workflow in flight together (open PRs pushing at the same moment).
MAX_PIPELINES_AT_ONCE = 50
# Pipelines of one workflow started per hour, in the busiest hour.
MAX_PIPELINES_PER_HOUR = 1000.0
# Pipelines one simulation follows (the verdict uses 400; the `simulate` command lets you choose).
MAX_SIMULATED_PIPELINES = 100_000
# Pipelines of one workflow per month (the busiest hour's rate around the clock).
MAX_PIPELINES_PER_MONTH = 1_000_000.0
MAX_PEOPLE_WAITING = 1000.0
MAX_USD_PER_HOUR = 10_000.0  # a waiting person's loaded cost
MAX_USD_PER_RUNNER_MONTH = 100_000.0  # a runner's price, even a large GPU machine
# An adopted change's approved runner budget: a thousand runners at the dearest price.
MAX_BUDGET_USD_PER_MONTH = MAX_RUNNERS * MAX_USD_PER_RUNNER_MONTH
# A per-minute rate: GitHub's dearest hosted size was under $1 a minute (Windows 96-core).
MAX_USD_PER_MINUTE = 10.0
# A duration someone types (estimate, override, target wait, background job length): three
# days, far beyond GitHub's 6 h job limit on hosted runners.
MAX_TYPED_DURATION_S = 72 * 3600.0
# A duration percent change: +1000% is eleven times as long.
MAX_PERCENT_CHANGE = 1000.0
# A measured job run: GitHub cancels a workflow run after 35 days, so no job lasts longer.
MAX_MEASURED_DURATION_S = 35 * 24 * 3600.0
# Timestamps in imported runs: GitHub was founded in 2008; runs cannot complete in the future
# (one day of slack for clocks and time zones).
EARLIEST_RUN_TIME = datetime(2008, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


# Work budgets, in simulated jobs (background arrivals, and pipeline jobs counted twice: each
# costs about twice as much): about a million a second on one core, a few dozen bytes each
# while a run lasts. Any one simulation (also the `simulate` command's background-only Erlang C
# runs, designed for up to 5 million jobs) may take SIMULATION_WORK_BUDGET. A verdict, which a
# page, a PDF or a comparison asks for, is held tighter: each of its simulations
# VERDICT_SIMULATION_WORK_BUDGET, all of them together (today, the proposal and the runner
# search) VERDICT_WORK_BUDGET: seconds of CPU, far under 500 MB. The runner search stops early
# rather than spend the budget the plan's last simulations need.
SIMULATION_WORK_BUDGET = 6_000_000
VERDICT_SIMULATION_WORK_BUDGET = 1_500_000
VERDICT_WORK_BUDGET = 5_000_000
# Which assumption matters (sensitivity.py) simulates the plan again at each end of three
# ranges (twelve runs): its own budget, so the verdict's runs never crowd it out.
SENSITIVITY_WORK_BUDGET = 2_000_000
# Growth (growth.py) confirms a year of monthly runner needs by simulation, one or two runs a
# month: its own budget too; months past it keep their estimate and say so.
GROWTH_WORK_BUDGET = 2_000_000
# The options (options.py) simulate each pool at a handful of runner counts, overflowing and
# on bigger runners: a budget of their own too; options past it are listed as not simulated.
OPTIONS_WORK_BUDGET = 2_000_000
# How much faster (or, below 1, slower) a job runs on another runner: a tenth to ten times.
MIN_SPEED_FACTOR = 0.1
MAX_SPEED_FACTOR = 10.0
# A scenario's price date: GitHub Actions' first year to far enough ahead for a budget.
EARLIEST_PRICE_DATE = date(2019, 1, 1)
LATEST_PRICE_DATE = date(2100, 12, 31)
# Pipelines growing by at most this share a month (a team doubling every month is 100%).
MAX_GROWTH_PCT_PER_MONTH = 100.0


def latest_run_time(now: datetime) -> datetime:
    return now + FUTURE_SLACK


HELP = {
    "runners": f"0 to {MAX_RUNNERS:,} runners.",
    "pipelines_at_once": f"1 to {MAX_PIPELINES_AT_ONCE} pipelines.",
    "pipelines_per_hour": f"Up to {MAX_PIPELINES_PER_HOUR:,.0f} pipelines per hour.",
    "pipelines_per_month": f"Up to {MAX_PIPELINES_PER_MONTH:,.0f} pipelines per month.",
    "people_waiting": f"0 to {MAX_PEOPLE_WAITING:,.0f} people.",
    "usd_per_hour": f"$0 to ${MAX_USD_PER_HOUR:,.0f} per hour.",
    "usd_per_runner_month": f"$0 to ${MAX_USD_PER_RUNNER_MONTH:,.0f} per runner per month.",
    "growth_pct_per_month": (
        f"0 to {MAX_GROWTH_PCT_PER_MONTH:.0f}%: how much more pipelines arrive each month "
        "(needs pipelines per hour). Empty: no projection."
    ),
    "speed_factor": (
        f"{MIN_SPEED_FACTOR:g} to {MAX_SPEED_FACTOR:g}: 2 means jobs take half as long, 0.5 twice "
        "as long."
    ),
    "typed_duration": (
        f"0 to {MAX_TYPED_DURATION_S:,.0f} seconds ({MAX_TYPED_DURATION_S / 3600:.0f} h)."
    ),
}
