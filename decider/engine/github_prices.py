"""GitHub's own rows of the price book: hosted runners' per-minute rates before and from
1 January 2026, and the postponed platform charge on self-hosted minutes.

Figures from GitHub's billing documentation ("Actions runner pricing", and the earlier "About
billing for GitHub Actions" table) as of December 2026, and GitHub's announcement "Pricing
changes for GitHub Actions" (hosted rates lowered on 1 January 2026; the $0.002 a minute charge
on self-hosted runners in private repositories, announced for 1 March 2026, postponed).
The rates before 2026 are given for the sizes whose old rate we have a source for.
"""

from datetime import date

from decider.engine.prices import PLATFORM_CHARGE, PriceBook, Rate

NEW_RATES_FROM = date(2026, 1, 1)
OLD_RATES_FROM = date(2019, 11, 13)  # GitHub Actions' general availability
PLATFORM_CHARGE_ANNOUNCED_FOR = date(2026, 3, 1)

PRICING_PAGE = "GitHub billing docs, Actions runner pricing"
OLD_PRICING_PAGE = "GitHub billing docs, per-minute rates before 2026"

# (size, label, $/minute from 1 January 2026, $/minute before, when we have it)
_HOSTED: list[tuple[str, str, float, float | None]] = [
    ("linux-1-core", "Linux 1-core", 0.002, 0.002),
    ("linux-2-core", "Linux 2-core", 0.006, 0.008),
    ("windows-2-core", "Windows 2-core", 0.010, 0.016),
    ("macos-3-4-core", "macOS 3- or 4-core", 0.062, 0.080),
    ("linux-4-core", "Linux x64 4-core", 0.012, None),
    ("linux-8-core", "Linux x64 8-core", 0.022, None),
    ("linux-16-core", "Linux x64 16-core", 0.042, 0.064),
    ("linux-32-core", "Linux x64 32-core", 0.082, 0.128),
    ("linux-64-core", "Linux x64 64-core", 0.162, 0.256),
    ("linux-96-core", "Linux x64 96-core", 0.252, 0.384),
    ("linux-arm64-2-core", "Linux arm64 2-core", 0.005, None),
    ("linux-arm64-4-core", "Linux arm64 4-core", 0.008, None),
    ("linux-arm64-8-core", "Linux arm64 8-core", 0.014, None),
    ("linux-arm64-16-core", "Linux arm64 16-core", 0.026, None),
    ("linux-arm64-32-core", "Linux arm64 32-core", 0.050, None),
    ("linux-arm64-64-core", "Linux arm64 64-core", 0.098, None),
    ("linux-gpu-4-core", "GPU Linux 4-core", 0.052, None),
    ("macos-12-core", "macOS 12-core", 0.077, None),
]


def _hosted_rates() -> list[Rate]:
    rates = []
    for size, label, new, old in _HOSTED:
        if old is not None:
            rates.append(
                Rate(
                    size=size,
                    label=label,
                    usd_per_minute=old,
                    effective_from=OLD_RATES_FROM,
                    effective_to=NEW_RATES_FROM,
                    source=OLD_PRICING_PAGE,
                )
            )
        rates.append(
            Rate(
                size=size,
                label=label,
                usd_per_minute=new,
                effective_from=NEW_RATES_FROM,
                source=PRICING_PAGE,
            )
        )
    return rates


PLATFORM_CHARGE_RATE = Rate(
    size=PLATFORM_CHARGE,
    label="GitHub platform charge on self-hosted minutes (private repositories)",
    kind="platform_charge",
    usd_per_minute=0.002,
    effective_from=PLATFORM_CHARGE_ANNOUNCED_FOR,
    source=(
        "Announced by GitHub for 1 March 2026 and postponed ('Pricing changes for GitHub "
        "Actions'): off unless a scenario counts it"
    ),
    on_by_default=False,
)


def github_price_book() -> PriceBook:
    return PriceBook(rates=[*_hosted_rates(), PLATFORM_CHARGE_RATE])
