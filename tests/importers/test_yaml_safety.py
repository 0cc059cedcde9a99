from decider.importers.yaml_safety import load_workflow_yaml


def test_it_reads_scalars_with_yaml_12_rules_as_github_does() -> None:
    loaded = load_workflow_yaml(
        "a.yml", "on: push\nyes: no\nn: 0o17\nh: 0x1F\nf: 3.10\nt: True\nd: 2024-01-01\nz: ~\n"
    )

    assert loaded.data == {
        "on": "push",
        "yes": "no",
        "n": 15,
        "h": 31,
        "f": 3.1,
        "t": True,
        "d": "2024-01-01",
        "z": None,
    }


def test_it_shares_aliases_within_the_node_budget() -> None:
    loaded = load_workflow_yaml("a.yml", "a: &labels [self-hosted, linux]\nb: *labels\n")

    assert loaded.data == {"a": ["self-hosted", "linux"], "b": ["self-hosted", "linux"]}


def test_it_records_where_keys_and_values_are() -> None:
    loaded = load_workflow_yaml("a.yml", "jobs:\n  build:\n    needs: [a, b]\n")

    assert loaded.line_of(("jobs", "build")) == 2
    assert (
        loaded.value_line(("jobs", "build", "needs", 1)),
        loaded.value_column(("jobs", "build", "needs", 1)),
    ) == (3, 16)


def test_it_accepts_a_utf8_byte_order_mark() -> None:
    assert load_workflow_yaml("a.yml", "\ufeffname: x\n".encode()).data == {"name": "x"}
