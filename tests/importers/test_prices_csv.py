"""A team's own rates from CSV: every bad row said with its row and field, nothing half-read."""

from datetime import date

import pytest

from decider.importers.prices_csv import parse_prices_csv
from decider.importers.problems import ImportRefused


def refused(content: str) -> list[str]:
    with pytest.raises(ImportRefused) as error:
        parse_prices_csv("rates.csv", content)
    return [problem.location() + ": " + problem.message for problem in error.value.problems]


def test_it_reads_a_vendor_and_a_negotiated_github_rate() -> None:
    rates = parse_prices_csv(
        "rates.csv",
        "Size,USD_per_minute,effective_from,effective_to,kind,vendor,source,label\n"
        "linux-2-core,$0.004,2026-06-01,2027-01-01,,,our agreement,\n"
        "acme-4,0.0035,2026-01-01,,vendor,Acme,Acme price page,Acme 4 vCPU\n",
    )
    negotiated, vendor = rates
    assert (negotiated.size, negotiated.usd_per_minute) == ("linux-2-core", 0.004)
    assert (negotiated.effective_from, negotiated.effective_to) == (
        date(2026, 6, 1),
        date(2027, 1, 1),
    )
    assert negotiated.kind == "github_hosted" and negotiated.on_by_default
    assert (vendor.kind, vendor.vendor, vendor.label) == ("vendor", "Acme", "Acme 4 vCPU")
    assert vendor.effective_to is None


def test_it_names_the_missing_columns() -> None:
    (problem,) = refused("size,price\nlinux-2-core,0.006\n")
    assert "lacks the columns 'usd_per_minute', 'effective_from'" in problem
    assert problem.startswith("rates.csv, row 1")


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (",0.006,2026-01-01", "size", "The size is missing."),
        ("x,cheap,2026-01-01", "usd_per_minute", "The price is not usable"),
        ("x,-0.1,2026-01-01", "usd_per_minute", "The price -0.1 is negative."),
        ("x,1e300,2026-01-01", "usd_per_minute", "is more than any runner costs"),
        ("x,0.006,01/01/2026", "effective_from", "'01/01/2026' is not a date."),
        ("x,0.006,", "effective_from", "The effective_from date is missing."),
        ("x,0.006,1999-01-01", "effective_from", "1999-01-01 is outside 2008 to 2100."),
    ],
)
def test_a_bad_cell_is_said_with_its_row_and_field(row: str, field: str, message: str) -> None:
    (problem,) = refused(f"size,usd_per_minute,effective_from\n{row}\n")
    assert problem.startswith(f"rates.csv, row 2, field '{field}'") and message in problem


def test_an_end_before_the_start_a_bad_kind_and_flag_are_each_said() -> None:
    problems = refused(
        "size,usd_per_minute,effective_from,effective_to,kind,on_by_default\n"
        "x,0.006,2026-02-01,2026-02-01,,\n"
        "y,0.006,2026-02-01,,hosted,\n"
        "z,0.006,2026-02-01,,,maybe\n"
    )
    assert [problem.split(": ")[0] for problem in problems] == [
        "rates.csv, row 2, field 'effective_to'",
        "rates.csv, row 3, field 'kind'",
        "rates.csv, row 4, field 'on_by_default'",
    ]


def test_the_same_size_and_start_twice_is_refused() -> None:
    (problem,) = refused(
        "size,usd_per_minute,effective_from\nx,0.006,2026-01-01\nX,0.005,2026-01-01\n"
    )
    assert problem.startswith("rates.csv, row 3, field 'effective_from'")
    assert "already on row 2" in problem


def test_a_file_with_only_a_header_holds_no_rates() -> None:
    (problem,) = refused("size,usd_per_minute,effective_from\n")
    assert "holds no rates" in problem


def test_the_platform_charge_can_be_switched_on_by_default() -> None:
    (rate,) = parse_prices_csv(
        "rates.csv",
        "size,usd_per_minute,effective_from,kind,on_by_default\n"
        "self-hosted-platform,0.002,2026-03-01,platform_charge,yes\n",
    )
    assert rate.kind == "platform_charge" and rate.on_by_default
