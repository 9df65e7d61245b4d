"""public_stats over whole statistics dicts: every count, month, breakdown, CIT group and rate.

The dicts are built here from generated records, in the shape stats.encounter_stats documents,
so the property holds for any mix of records, not only the ones a fixture happens to create.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mhr.encounters.models import Encounter
from mhr.encounters.privacy import SUPPRESSED, THRESHOLD, is_suppressed, public_stats, stats_cells
from mhr.encounters.tests.test_privacy import attacker_recovers

DISPOSITIONS = Encounter.Disposition.values
SOURCES = Encounter.CallSource.values
GROUPS = {"yes": "on_scene", "no": "not_on_scene", "unknown": "unknown"}

record = st.fixed_dictionaries(
    {
        "month": st.integers(1, 3),
        "disposition": st.sampled_from(DISPOSITIONS[:4]),
        "force": st.booleans(),
        "person": st.booleans(),
        "officer": st.booleans(),
        "other": st.booleans(),
        "cit": st.sampled_from(list(GROUPS)),
        "flagged": st.sampled_from(list(GROUPS)),
        "source": st.sampled_from(SOURCES[:3]),
        "repeat": st.booleans(),
        "minutes": st.booleans(),
    }
)


def rate(numerator, denominator):
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": round(numerator / denominator, 4) if denominator else None,
        "denominator_label": "x",
    }


def build(records):
    n = len(records)

    def count(test, rows=records):
        return sum(1 for r in rows if test(r))

    injured = lambda r: r["person"] or r["officer"] or r["other"]  # noqa: E731
    cit = {}
    for code, group in GROUPS.items():
        rows = [r for r in records if r["cit"] == code]
        cit[group] = {
            "count": len(rows),
            "arrests": count(lambda r: r["disposition"] == "arrest", rows),
            "force_used": count(lambda r: r["force"], rows),
            "injured": count(injured, rows),
        }
        cit[group]["arrest_rate"] = rate(cit[group]["arrests"], len(rows))
        cit[group]["force_rate"] = rate(cit[group]["force_used"], len(rows))
        cit[group]["injury_rate"] = rate(cit[group]["injured"], len(rows))
    flagged = {code: count(lambda r, c=code: r["flagged"] == c) for code in GROUPS}
    arrests = count(lambda r: r["disposition"] == "arrest")
    injuries = {k: count(lambda r, k=k: r[k]) for k in ("person", "officer", "other")}
    return {
        "total": n,
        "by_month": [
            {"month": f"2025-{m:02d}", "count": count(lambda r, m=m: r["month"] == m)}
            for m in range(1, 4)
        ],
        "flagged_at_dispatch": flagged,
        "dispositions": [
            {"code": c, "label": c, "count": count(lambda r, c=c: r["disposition"] == c)}
            for c in DISPOSITIONS
        ],
        "arrests": arrests,
        "force_used": count(lambda r: r["force"]),
        "injuries": injuries,
        "injured_any": count(injured),
        "cit": cit,
        "repeat_contacts": count(lambda r: r["repeat"]),
        "minutes_on_scene": {"count": count(lambda r: r["minutes"]), "median": 40, "mean": 41.5},
        "call_sources": [
            {"code": c, "label": c, "count": count(lambda r, c=c: r["source"] == c)}
            for c in SOURCES
        ],
        "rates": {
            "arrest": rate(arrests, n),
            "force": rate(count(lambda r: r["force"]), n),
            "person_injury": rate(injuries["person"], n),
            "officer_injury": rate(injuries["officer"], n),
            "other_injury": rate(injuries["other"], n),
            "repeat_contact": rate(count(lambda r: r["repeat"]), n),
            "flagged_at_dispatch": rate(flagged["yes"], flagged["yes"] + flagged["no"]),
            "cit_on_scene": rate(
                cit["on_scene"]["count"], cit["on_scene"]["count"] + cit["not_on_scene"]["count"]
            ),
        },
    }


def counts_of(numbers):
    """Every count in a stats dict, by a path name (rates' numerators and denominators too)."""
    found = {"total": numbers["total"], "arrests": numbers["arrests"]}
    found.update({("month", r["month"]): r["count"] for r in numbers["by_month"]})
    found.update({("flagged", k): v for k, v in numbers["flagged_at_dispatch"].items()})
    found.update({("disposition", r["code"]): r["count"] for r in numbers["dispositions"]})
    found.update({("source", r["code"]): r["count"] for r in numbers["call_sources"]})
    found.update({("injuries", k): v for k, v in numbers["injuries"].items()})
    for name in ("force_used", "injured_any", "repeat_contacts"):
        found[name] = numbers[name]
    found["minutes"] = numbers["minutes_on_scene"]["count"]
    for group, values in numbers["cit"].items():
        for name in ("count", "arrests", "force_used", "injured"):
            found[("cit", group, name)] = values[name]
        for name in ("arrest_rate", "force_rate", "injury_rate"):
            found[("cit", group, name, "n")] = values[name]["numerator"]
            found[("cit", group, name, "d")] = values[name]["denominator"]
    for name, values in numbers["rates"].items():
        found[("rate", name, "n")] = values["numerator"]
        found[("rate", name, "d")] = values["denominator"]
    return found


@settings(max_examples=150)
@given(st.lists(record, max_size=150))
def test_no_small_count_leaves_and_none_can_be_worked_out(records):
    stats = build(records)
    public = public_stats(stats)
    before, after = counts_of(stats), counts_of(public)
    for path, value in after.items():
        if is_suppressed(value):
            assert before[path] != 0, f"{path}: a true zero was hidden"
        else:
            assert value == before[path]
            assert not 1 <= value <= THRESHOLD, f"{path} = {value} is shown"
    # Rates and summaries go with their counts.
    rates = [*public["rates"].values()]
    rates += [
        group[name] for group in public["cit"].values() for name in ("arrest_rate", "force_rate")
    ]
    for values in rates:
        counts_hidden = is_suppressed(values["numerator"]) or is_suppressed(values["denominator"])
        assert is_suppressed(values["value"]) == counts_hidden
    if is_suppressed(public["minutes_on_scene"]["count"]):
        assert public["minutes_on_scene"]["median"] is SUPPRESSED
    # An outsider solving every sum with one unknown learns none of the hidden counts.
    values, relations = stats_cells(stats)
    shown = stats_cells_hidden(public, values)
    assert not attacker_recovers(values, relations, shown)


def stats_cells_hidden(public, values):
    """The cells the public dict hides, by the keys stats_cells uses."""
    public_values, _ = stats_cells(_as_numbers(public))
    hidden = {key for key, value in public_values.items() if value == _MARK}
    # Known-value denominators are shown only as their rate's denominator.
    for key, rate_name in (
        (("flag_known",), "flagged_at_dispatch"),
        (("cit_known",), "cit_on_scene"),
    ):
        if is_suppressed(public["rates"][rate_name]["denominator"]):
            hidden.add(key)
    return hidden & set(values)


_MARK = -(10**9)


def _as_numbers(public):
    """The public dict with hidden counts as a marker number, so stats_cells can walk it."""

    def swap(value):
        if is_suppressed(value):
            return _MARK
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    return swap(public)
