from decider.engine.framework import apply_framework, seed_table_defects, utilization_band


def test_utilization_bands_follow_the_seed() -> None:
    assert [utilization_band(u) for u in (0.49, 0.5, 0.8, 0.81)] == [
        "low",
        "moderate",
        "moderate",
        "high",
    ]


def test_the_seed_inventory_lands_in_the_under_four_cell() -> None:
    result = apply_framework("medium", 3, 0.6)
    matrix, sizes, costs = result.cells
    assert matrix.recommendation == "Add runners or stay sequential."
    assert sizes.matched == ["C: 3-5", "D: 1-3"]
    assert sizes.overlap
    assert costs.matched == ["< 4"]


def test_four_to_six_at_moderate_utilization_is_a_gap() -> None:
    matrix = apply_framework("medium", 5, 0.6).cells[0]
    assert matrix.gap
    assert matrix.recommendation is None
    assert matrix.note == (
        "The rule-of-thumb framework's decision table gives no answer for 5 runners at moderate "
        "load (60% busy)."
    )


def test_pool_size_scenarios_overlap_at_5_and_10() -> None:
    for runners in (5, 10):
        assert apply_framework("medium", runners, 0.2).cells[1].overlap


def test_the_defect_list_names_every_gap_and_overlap() -> None:
    defects = " ".join(seed_table_defects())
    assert "4 runners at moderate" in defects
    assert "both apply to 3 runners (3-5 and 1-3 runners)" in defects
    assert "both apply to 10 runners (10+ and 5-10 runners)" in defects
    assert "0 runners" in defects
