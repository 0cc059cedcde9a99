"""Erlang C: the closed-form M/M/c queue that the shared-pool simulation is checked against.

A pool of c runners fed Poisson arrivals (rate lambda) with exponential job durations (rate mu)
is an M/M/c queue. With offered load a = lambda / mu (busy runners on average):
- C(c, a), the probability that an arriving job has to wait, and
- W_q = C(c, a) / (c * mu - lambda), the mean time a job waits for a runner.
"""

import math


def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of an M/M/c/c loss system.

    Computed with the recursion B(k) = a B(k-1) / (k + a B(k-1)) rather than the textbook sum of
    a^k / k!, which overflows for a few hundred runners.
    """
    _check_servers_and_load(servers, offered_load)
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = offered_load * blocking / (k + offered_load * blocking)
    return blocking


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arriving job waits for one of `servers` runners.

    `offered_load` is a = lambda / mu, in runners. At or beyond saturation (a >= c) the queue
    grows without bound and every job waits, so the answer is 1.
    """
    _check_servers_and_load(servers, offered_load)
    if offered_load >= servers:
        return 1.0
    blocking = erlang_b(servers, offered_load)
    # C = c B / (c - a (1 - B)): the standard conversion from Erlang B to Erlang C.
    return servers * blocking / (servers - offered_load * (1.0 - blocking))


def erlang_c_mean_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue W_q = C(c, a) / (c mu - lambda), in the unit of 1 / rates.

    Infinite when the pool is saturated (lambda >= c mu): the queue never drains.
    """
    if arrival_rate < 0:
        raise ValueError(f"arrival_rate must be >= 0, got {arrival_rate}")
    if service_rate <= 0:
        raise ValueError(f"service_rate must be > 0, got {service_rate}")
    if arrival_rate == 0:
        return 0.0
    spare_capacity = servers * service_rate - arrival_rate
    if spare_capacity <= 0:
        return math.inf
    return erlang_c(servers, arrival_rate / service_rate) / spare_capacity


def erlang_c_wait_percentile(
    servers: int, arrival_rate: float, service_rate: float, fraction: float
) -> float:
    """The `fraction` percentile of the M/M/c wait in queue, in the unit of 1 / rates.

    A job waits longer than t with probability C e^(-(c mu - lambda) t), so the percentile is
    ln(C / (1 - fraction)) / (c mu - lambda) when C > 1 - fraction, else 0 (that share of
    jobs never waits). Infinite when the pool is saturated.
    """
    if not 0 <= fraction < 1:
        raise ValueError(f"fraction must be in [0, 1), got {fraction}")
    if erlang_c_mean_wait(servers, arrival_rate, service_rate) == 0:
        return 0.0
    spare_capacity = servers * service_rate - arrival_rate
    if spare_capacity <= 0:
        return math.inf
    waits = erlang_c(servers, arrival_rate / service_rate)
    tail = 1.0 - fraction
    return math.log(waits / tail) / spare_capacity if waits > tail else 0.0


def _check_servers_and_load(servers: int, offered_load: float) -> None:
    if servers < 1:
        raise ValueError(f"servers must be >= 1, got {servers}")
    if offered_load < 0:
        raise ValueError(f"offered_load must be >= 0, got {offered_load}")
