"""Small-cell suppression: nothing from 1 to 10 is shown, and nothing hidden can be worked out."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from mhr.encounters.privacy import (
    SUPPRESSED,
    THRESHOLD,
    as_json,
    csv_text,
    is_suppressed,
    suppressed_cells,
)

# Counts biased toward the interesting range around the threshold, with zeros and large values.
counts = st.one_of(st.just(0), st.integers(1, 14), st.integers(0, 400))


def attacker_recovers(values, relations, hidden):
    """What an outsider learns from the shown numbers: solve any sum with one unknown, repeat.

    Written independently of the engine (no linear algebra) as a second opinion.
    """
    known = {key: value for key, value in values.items() if key not in hidden}
    recovered = set()
    progress = True
    while progress:
        progress = False
        for total, parts in relations:
            members = [total, *parts]
            unknown = [m for m in members if m not in known]
            if len(unknown) != 1:
                continue
            (cell,) = unknown
            if sum(values[p] for p in parts) != values[total]:
                continue  # parts leave a remainder out: the sum says nothing exact
            if cell == total:
                known[cell] = sum(known[p] for p in parts)
            else:
                known[cell] = known[total] - sum(known[p] for p in parts if p != cell)
            recovered.add(cell)
            progress = True
    return recovered


def check_rules(values, relations, hidden):
    assert not [k for k, v in values.items() if k not in hidden and 1 <= v <= THRESHOLD]
    assert not [k for k in hidden if values[k] == 0], "a true zero was hidden"
    assert not attacker_recovers(values, relations, hidden)


@given(st.lists(counts, min_size=1, max_size=14))
def test_it_protects_a_breakdown_with_its_total(cells):
    values = {f"cell{i}": value for i, value in enumerate(cells)}
    values["total"] = sum(cells)
    relations = [("total", [f"cell{i}" for i in range(len(cells))])]
    hidden = suppressed_cells(values, relations)
    check_rules(values, relations, hidden)


@given(st.lists(st.lists(counts, min_size=2, max_size=5), min_size=2, max_size=5))
def test_it_protects_a_two_way_table_with_margins(rows):
    width = min(len(row) for row in rows)
    rows = [row[:width] for row in rows]
    values = {}
    relations = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            values[(r, c)] = value
        values[("row", r)] = sum(row)
        relations.append((("row", r), [(r, c) for c in range(width)]))
    for c in range(width):
        values[("col", c)] = sum(row[c] for row in rows)
        relations.append((("col", c), [(r, c) for r in range(len(rows))]))
    values["all"] = sum(map(sum, rows))
    relations.append(("all", [("row", r) for r in range(len(rows))]))
    relations.append(("all", [("col", c) for c in range(width)]))
    hidden = suppressed_cells(values, relations)
    check_rules(values, relations, hidden)
    # A second opinion on multi-sum attacks: no hidden cell is pinned down by the whole system.
    from mhr.encounters.privacy import determined_cells

    assert not determined_cells(relations, hidden)


@given(counts, counts)
def test_a_count_out_of_a_total_hides_a_small_remainder_too(part, rest):
    values = {"total": part + rest, "arrests": part}
    hidden = suppressed_cells(values, [("total", ["arrests"])])
    check_rules(values, [("total", ["arrests"])], hidden)
    if 1 <= rest <= THRESHOLD and part > 0 and part + rest > THRESHOLD:
        # "everyone but the arrested" is small: the arrest count would give it away.
        assert "arrests" in hidden


@given(st.lists(counts, min_size=12, max_size=12))
def test_it_protects_months_against_the_yearly_total(months):
    values = {("month", m): v for m, v in enumerate(months, start=1)}
    values["year"] = sum(months)
    relations = [("year", [("month", m) for m in range(1, 13)])]
    hidden = suppressed_cells(values, relations)
    check_rules(values, relations, hidden)


def test_exactly_one_small_cell_takes_the_next_smallest_with_it():
    values = {"a": 4, "b": 30, "c": 25, "d": 0, "total": 59}
    hidden = suppressed_cells(values, [("total", ["a", "b", "c", "d"])])
    assert hidden == {"a", "c"}


def test_two_small_cells_protect_each_other():
    values = {"a": 4, "b": 3, "c": 25, "total": 32}
    assert suppressed_cells(values, [("total", ["a", "b", "c"])]) == {"a", "b"}


def test_nothing_is_hidden_when_nothing_is_small():
    values = {"a": 11, "b": 0, "c": 250, "total": 261}
    assert suppressed_cells(values, [("total", ["a", "b", "c"])]) == set()


def test_a_small_total_hides_its_parts():
    values = {"a": 6, "b": 0, "total": 6}
    assert suppressed_cells(values, [("total", ["a", "b"])]) == {"a", "total"}


def test_overlapping_parts_are_refused():
    import pytest

    with pytest.raises(ValueError, match="not a breakdown"):
        suppressed_cells({"a": 20, "b": 20, "total": 30}, [("total", ["a", "b"])])


def test_a_hidden_value_never_reads_as_zero():
    assert "—" in str(SUPPRESSED) and "suppressed to protect privacy" in str(SUPPRESSED)
    assert SUPPRESSED != 0
    assert is_suppressed(SUPPRESSED) and not is_suppressed(0)
    assert csv_text(SUPPRESSED) == "suppressed" and csv_text(0) == 0
    encoded = json.loads(
        json.dumps(as_json({"arrests": SUPPRESSED, "force": 0, "m": [SUPPRESSED]}))
    )
    assert encoded == {"arrests": {"suppressed": True}, "force": 0, "m": [{"suppressed": True}]}


def test_cells_shown_elsewhere_are_never_the_complement():
    # B's 30 is on B's own public page: hiding it here would protect nothing, so the total goes.
    values = {"total": 35, "a": 5, "b": 30}
    relations = [("total", ["a", "b"])]
    assert suppressed_cells(values, relations) == {"a", "b"}
    assert suppressed_cells(values, relations, fixed={"b"}) == {"a", "total"}


@given(st.lists(st.tuples(counts, st.booleans()), min_size=1, max_size=10))
def test_parts_published_elsewhere_give_nothing_away(cells):
    """Some parts are on their own public pages (known to all unless small): still safe."""
    values = {f"cell{i}": value for i, (value, _) in enumerate(cells)}
    values["total"] = sum(values.values())
    relations = [("total", [f"cell{i}" for i in range(len(cells))])]
    fixed = {f"cell{i}" for i, (value, published) in enumerate(cells) if published and value > 10}
    hidden = suppressed_cells(values, relations, fixed=fixed)
    assert not hidden & fixed
    check_rules(values, relations, hidden)
