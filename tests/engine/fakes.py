"""Stand-in simulators for tests that need a known queue, not a random one."""

from decider.engine.simulation import Percentiles, PoolStats, SimulationInput, SimulationResult


class AlwaysWaiting:
    """Every pool's pipeline jobs wait `wait_s` at p90, whatever its runners."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        self.runs = 0

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        self.runs += 1
        figures = Percentiles(p50=600, p90=600, p99=600, mean=600)
        return SimulationResult(
            pipeline_wall_clock_s=figures,
            milestone_wall_clock_s=None,
            pipeline_queue_delay_s=figures,
            pools=[
                PoolStats(
                    name=pool.name,
                    mean_wait_s=self.wait_s,
                    p90_wait_s=self.wait_s,
                    utilization=0.5,
                    pipeline_p90_wait_s=self.wait_s,
                )
                for pool in inp.pools
            ],
        )
