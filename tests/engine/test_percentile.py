from decider.engine.percentile import percentile, percentile_of_sorted


def test_p90_interpolates_between_ranks() -> None:
    assert percentile([10.0], 0.9) == 10
    assert percentile([0.0, 10.0], 0.9) == 9


def test_sorted_and_unsorted_values_give_the_same_percentile() -> None:
    values = [7.0, 1.0, 4.0, 9.0, 3.0]
    for fraction in (0.0, 0.5, 0.9, 0.99, 1.0):
        assert percentile(values, fraction) == percentile_of_sorted(sorted(values), fraction)
