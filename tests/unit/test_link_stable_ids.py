"""Stable person ids across runs: maximum overlap, new ids only for new people, merges and splits."""

from __future__ import annotations

from placehub.link.stable_ids import assign_person_ids, format_person_id


def test_first_run_numbers_people_in_record_order() -> None:
    a = assign_person_ids({"r1": 0, "r2": 0, "r3": 1}, {}, 0)
    assert a.person_of == {"r1": "P000000001", "r2": "P000000001", "r3": "P000000002"}
    assert (a.last_seq, a.new_people, a.changes) == (2, 2, [])


def test_rerun_with_renumbered_clusters_keeps_ids() -> None:
    previous = {"r1": "P000000007", "r2": "P000000007", "r3": "P000000009"}
    a = assign_person_ids({"r1": 5, "r2": 5, "r3": 2, "r4": 3}, previous, 9)
    assert a.person_of == {"r1": "P000000007", "r2": "P000000007", "r3": "P000000009", "r4": "P000000010"}
    assert (a.last_seq, a.new_people, a.changes) == (10, 1, [])


def test_merge_keeps_the_larger_id_and_retires_the_other() -> None:
    previous = {"r1": "P000000001", "r2": "P000000001", "r3": "P000000002"}
    a = assign_person_ids({"r1": 0, "r2": 0, "r3": 0}, previous, 2)
    assert set(a.person_of.values()) == {"P000000001"}
    [change] = a.changes
    assert (change.kind, change.person_id, change.other_person_ids, change.records_moved) == (
        "merge",
        "P000000001",
        ["P000000002"],
        1,
    )
    assert (change.kept, change.moved) == (["r1", "r2"], ["r3"])


def test_split_gives_the_smaller_part_a_new_id() -> None:
    previous = {"r1": "P000000001", "r2": "P000000001", "r3": "P000000001"}
    a = assign_person_ids({"r1": 0, "r2": 0, "r3": 1}, previous, 4)
    assert a.person_of == {"r1": "P000000001", "r2": "P000000001", "r3": "P000000005"}
    [change] = a.changes
    assert (change.kind, change.person_id, change.other_person_ids, change.kept, change.moved) == (
        "split",
        "P000000001",
        ["P000000005"],
        ["r1", "r2"],
        ["r3"],
    )


def test_format() -> None:
    assert format_person_id(42) == "P000000042"
