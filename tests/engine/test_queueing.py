import math

import pytest

from decider.engine.queueing import (
    erlang_b,
    erlang_c,
    erlang_c_mean_wait,
    erlang_c_wait_percentile,
)


def test_one_runner_waits_with_probability_rho() -> None:
    for rho in (0.1, 0.5, 0.9):
        assert erlang_c(1, rho) == pytest.approx(rho)


def test_it_matches_textbook_values() -> None:
    # c = 2, a = 1: B = 1/5, C = 1/3. c = 3, a = 2: C = 4/9.
    assert erlang_b(2, 1.0) == pytest.approx(0.2)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)


def test_it_matches_the_closed_form_sum() -> None:
    servers, load = 10, 8.0
    head = sum(load**k / math.factorial(k) for k in range(servers))
    tail = load**servers / math.factorial(servers) * servers / (servers - load)
    assert erlang_c(servers, load) == pytest.approx(tail / (head + tail))


def test_it_stays_finite_for_large_pools() -> None:
    assert 0 < erlang_c(1000, 950.0) < 1


def test_a_saturated_pool_always_waits() -> None:
    assert erlang_c(3, 3.0) == 1.0
    assert erlang_c(3, 5.0) == 1.0


def test_mean_wait_of_one_runner_is_rho_over_mu_minus_lambda() -> None:
    # M/M/1: W_q = rho / (mu - lambda). lambda = 0.8, mu = 1 -> 4.
    assert erlang_c_mean_wait(1, 0.8, 1.0) == pytest.approx(4.0)


def test_mean_wait_of_two_runners_matches_the_textbook() -> None:
    # lambda = 1, mu = 1, c = 2: C = 1/3, W_q = (1/3) / (2 - 1).
    assert erlang_c_mean_wait(2, 1.0, 1.0) == pytest.approx(1 / 3)


def test_mean_wait_is_zero_without_arrivals_and_infinite_when_saturated() -> None:
    assert erlang_c_mean_wait(2, 0.0, 1.0) == 0.0
    assert erlang_c_mean_wait(2, 2.0, 1.0) == math.inf


def test_it_rejects_impossible_inputs() -> None:
    with pytest.raises(ValueError, match="servers must be >= 1"):
        erlang_c(0, 0.5)
    with pytest.raises(ValueError, match="offered_load must be >= 0"):
        erlang_c(1, -0.5)
    with pytest.raises(ValueError, match="service_rate must be > 0"):
        erlang_c_mean_wait(1, 0.5, 0.0)


def test_the_p90_wait_follows_the_exponential_tail_of_the_wait() -> None:
    # c = 1, lambda = 0.5, mu = 1: C = 0.5, P(W > t) = 0.5 e^(-0.5 t), p90 = 2 ln 5.
    assert erlang_c_wait_percentile(1, 0.5, 1.0, 0.9) == pytest.approx(2 * math.log(5))
    # c = 10 at 10% load: far fewer than 10% of jobs wait, so the p90 is no wait at all.
    assert erlang_c_wait_percentile(10, 1.0, 1.0, 0.9) == 0.0
    assert erlang_c_wait_percentile(1, 1.0, 1.0, 0.9) == math.inf
