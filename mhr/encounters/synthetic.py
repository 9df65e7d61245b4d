"""Realistic made-up encounter records, for the demo and the benchmarks.

Proportions follow the Seattle Police Department's published Crisis Data value counts (read at
run time from the shared data folder when it is there, else the rounded shares below, which were
derived from it): call sources, dispositions, use of force, veteran status, CIT officer on scene,
precincts and officers per contact. Fields that data set does not hold (age, sex, race, housing,
observations) use plain illustrative shares. The same seed gives the same records.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from mhr.encounters import schema
from mhr.encounters.imports.seattle import CALL_SOURCES, DISPOSITIONS

MARGINALS = "seattle-crisis-marginals/seattle_crisis_marginals_2018.csv"

# Row counts rounded from the Seattle marginals (used when the data folder is absent).
BUILT_IN: dict[str, dict[str, float]] = {
    "call_type": {
        "911": 28932,
        "TELEPHONE OTHER, NOT 911": 7880,
        "ONVIEW": 4944,
        "ALARM CALL (NOT POLICE ALARM)": 218,
        "IN PERSON COMPLAINT": 3,
        "": 563,
    },
    "disposition": {
        "Chronic Complaint": 2965,
        "Crisis Clinic": 777,
        "DMHP Referral": 736,
        "Drug/Alcohol Treatment Referral": 734,
        "Emergent Detention/ITA": 11013,
        "Geriatric Regional Assessment Team": 173,
        "Mental Health Agency or Case Manager Notified": 1047,
        "Mobile Crisis Team": 2779,
        "No Action Possible or Necessary": 7327,
        "Resources Declined": 5758,
        "Shelter Transport": 245,
        "Subject Arrested": 3008,
        "Unable to Contact": 1130,
        "Voluntary Committal": 3541,
        "": 1310,
    },
    "use_of_force_indicator": {"Y": 687, "N": 41856},
    "subject_veteran_indicator": {"Yes": 1693, "No": 13398, "Unknown": 23006, "-": 4446},
    "cit_officer_arrived": {"Y": 33206, "N": 9337},
    "cit_certified_indicator": {"Y": 17802, "": 24741},
    "precinct": {
        "NORTH": 12380,
        "WEST": 12025,
        "EAST": 8612,
        "SOUTH": 5242,
        "SOUTHWEST": 3682,
        "UNKNOWN": 39,
        "": 563,
    },
}
INITIAL_CALL_TYPES = (
    ("SUICIDE - IP/JO SUICIDAL PERSON AND ATTEMPTS", 18),
    ("PERSON IN BEHAVIORAL/EMOTIONAL CRISIS", 30),
    ("DISTURBANCE - GENERAL", 12),
    ("WELFARE CHECK", 14),
    ("TRESPASS", 5),
    ("ASSAULT - NON-DOMESTIC", 4),
    ("OVERDOSE - DRUG RELATED CASUALTY", 4),
    ("SUSPICIOUS PERSON", 6),
    ("THREATS - HARASSMENT", 4),
    ("", 3),
)
FINAL_CALL_TYPES = (
    ("--CRISIS COMPLAINT - GENERAL", 67),
    ("--SUICIDE - ATTEMPT OR IDEATION", 12),
    ("--DISTURBANCE - OTHER", 8),
    ("--WELFARE CHECK - NO CRIME", 8),
    ("--PROPERTY - TRESPASS", 3),
    ("", 2),
)
PRECINCT_BEATS = {
    "NORTH": ("B1", "B2", "J1", "J2", "L1", "L2", "N1", "N2", "U1", "U2"),
    "WEST": ("D1", "D2", "K1", "K2", "M1", "M2", "Q1", "Q2"),
    "EAST": ("C1", "C2", "E1", "E2", "G1", "G2"),
    "SOUTH": ("O1", "O2", "R1", "R2", "S1", "S2"),
    "SOUTHWEST": ("F1", "F2", "W1", "W2"),
    "UNKNOWN": ("",),
    "": ("",),
}
AGE_BANDS = {
    "under_18": 6,
    "18_24": 14,
    "25_34": 27,
    "35_44": 21,
    "45_54": 15,
    "55_64": 10,
    "65_plus": 5,
    "unknown": 2,
}
SEXES = {"male": 58, "female": 38, "another": 1, "unknown": 3}
RACES = {
    "white": 58,
    "black": 20,
    "asian": 7,
    "hispanic": 6,
    "american_indian": 3,
    "pacific_islander": 1,
    "multiple": 2,
    "unknown": 3,
}
HOUSING = {"housed": 52, "unsheltered": 24, "sheltered": 9, "unknown": 15}
WEAPONS = {"none": 84, "edged": 7, "firearm": 1, "other": 3, "unknown": 5}
# Hours of the day weighted like crisis calls: quiet before dawn, busiest in the afternoon.
HOUR_WEIGHTS = (3, 2, 2, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 7, 7, 7, 7, 6, 6, 5, 5, 4, 4)
OFFICERS = {1: 80, 2: 15, 3: 4, 4: 1}
FIRST_DAY = datetime.date(2015, 5, 15)
LAST_DAY = datetime.date(2018, 10, 23)
# Officers in the generated Seattle files: ids the way that file numbers them.
OFFICER_POOL = 973


def marginals(path: Path | None = None) -> dict[str, dict[str, float]]:
    """{variable: {value: row count}} from the shared data file, else the built-in counts."""
    if path is None:
        root = Path(getattr(settings, "MHR_SHARED_DATA_DIR", "") or _default_shared())
        path = root / MARGINALS
    counts: dict[str, dict[str, float]] = {}
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                value = "" if row["value"] == "<missing>" else row["value"]
                counts.setdefault(row["variable"], {})[value] = float(row["row_count"])
    except (OSError, KeyError, ValueError):
        return {name: dict(shares) for name, shares in BUILT_IN.items()}
    merged = {name: dict(shares) for name, shares in BUILT_IN.items()}
    for name in merged:
        if counts.get(name):
            merged[name] = counts[name]
    return merged


def _default_shared() -> Path:
    return Path(settings.BASE_DIR).parent / "shared" / "data"


def _clocks_change(day: datetime.date) -> bool:
    """The second Sunday of March or the first Sunday of November (US clock changes)."""
    sunday = day.weekday() == 6
    return sunday and (
        (day.month == 3 and 8 <= day.day <= 14) or (day.month == 11 and day.day <= 7)
    )


class _Picker:
    """Weighted choice from a {value: weight} dict, fast (cumulative weights, bisect)."""

    def __init__(self, rng: random.Random, weights: dict[Any, float]) -> None:
        self.rng = rng
        self.values = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self) -> Any:
        import bisect

        return self.values[bisect.bisect(self.cumulative, self.rng.random() * self.total)]


def _call_source_weights(shares: dict[str, float]) -> dict[str, float]:
    weights: dict[str, float] = {}
    for value, count in shares.items():
        code = CALL_SOURCES.get(value.lower(), "other")
        if value.upper().startswith("PROACTIVE"):
            code = "officer_initiated"
        weights[code] = weights.get(code, 0) + count
    # Transfers from 988 and calls from providers or family are not separated in Seattle's data;
    # give them a small share so every chart has them.
    weights["crisis_line"] = 0.03 * sum(weights.values())
    weights["provider_or_family"] = 0.04 * sum(weights.values())
    return weights


class Generator:
    """Canonical encounter values, and the Seattle-format rows that would produce them."""

    def __init__(
        self,
        *,
        seed: int = 1,
        count: int = 1000,
        prefix: str = "",
        first_day: datetime.date = FIRST_DAY,
        last_day: datetime.date = LAST_DAY,
    ) -> None:
        # Made-up data, not secrets.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311
        self.first_day = first_day
        shares = marginals()
        rng = self.rng
        self.count = count
        self.prefix = prefix
        self.seattle_call_type = _Picker(
            rng, {k: v for k, v in shares["call_type"].items() if k != ""} or {"911": 1}
        )
        self.call_source = _Picker(rng, _call_source_weights(shares["call_type"]))
        self.seattle_disposition = _Picker(rng, shares["disposition"])
        self.force_used = shares["use_of_force_indicator"].get("Y", 687) / max(
            sum(shares["use_of_force_indicator"].values()), 1
        )
        self.veteran = _Picker(rng, shares["subject_veteran_indicator"])
        arrived = shares["cit_officer_arrived"]
        self.cit_share = arrived.get("Y", 0) / max(sum(arrived.values()), 1)
        self.precinct = _Picker(rng, shares["precinct"])
        self.initial = _Picker(rng, dict(INITIAL_CALL_TYPES))
        self.final = _Picker(rng, dict(FINAL_CALL_TYPES))
        self.age = _Picker(rng, AGE_BANDS)
        self.sex = _Picker(rng, SEXES)
        self.race = _Picker(rng, RACES)
        self.housing = _Picker(rng, HOUSING)
        self.weapon = _Picker(rng, WEAPONS)
        self.officers = _Picker(rng, OFFICERS)
        self.hour = _Picker(rng, dict(enumerate(HOUR_WEIGHTS)))
        self.days = (last_day - first_day).days
        # About one contact in four is with someone seen before.
        self.people = max(1, int(count * 0.55))

    def _moment(self) -> datetime.datetime:
        rng = self.rng
        day = self.first_day + datetime.timedelta(days=rng.randrange(self.days + 1))
        hour = self.hour()
        if _clocks_change(day) and hour < 4:
            # Wall-clock times around a US daylight-saving change are ambiguous in a file.
            hour += 4
        # Local wall-clock time of the agency, as a file holds it.
        return datetime.datetime(  # noqa: DTZ001
            day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60)
        )

    def seattle_template(self, number: int) -> dict[str, Any]:
        """One Seattle template: its shared fields and the officers on it."""
        rng = self.rng
        precinct = self.precinct()
        return {
            "template": f"{self.prefix}{number}",
            "received": self._moment(),
            "call_type": self.seattle_call_type(),
            "initial": self.initial(),
            "final": self.final(),
            "disposition": self.seattle_disposition(),
            "force": "Y" if rng.random() < self.force_used else "N",
            "veteran": self.veteran(),
            "cit_arrived": "Y" if rng.random() < self.cit_share else "N",
            "officers": [rng.randrange(5000, 5000 + OFFICER_POOL) for _ in range(self.officers())],
            "precinct": precinct,
            "sector": (PRECINCT_BEATS.get(precinct) or ("",))[0][:1],
            "beat": rng.choice(PRECINCT_BEATS.get(precinct) or ("",)),
        }

    def native(self, number: int) -> dict[str, Any]:
        """One canonical record as a native file holds it (local times, codes, Y/N)."""
        rng = self.rng
        seattle = self.seattle_template(number)
        code, destination, referral = DISPOSITIONS.get(
            seattle["disposition"].lower(), ("other", "", "")
        )
        received = seattle["received"]
        arrived = received + datetime.timedelta(minutes=rng.randrange(2, 35))
        cleared = arrived + datetime.timedelta(minutes=rng.randrange(10, 200))
        force = "none"
        if seattle["force"] == "Y":
            force = rng.choice(("physical", "physical", "physical", "less_lethal", "used"))
        initial = seattle["initial"]
        has_key = rng.random() < 0.7
        return {
            "incident_number": f"{self.prefix}{number:08d}",
            "received_at": received,
            "arrived_at": arrived,
            "cleared_at": cleared,
            "call_source": self.call_source(),
            "dispatch_call_type": initial,
            "final_call_type": seattle["final"],
            "flagged_at_dispatch": any(w in initial for w in ("SUICID", "CRISIS", "BEHAVIOR")),
            "officers_count": len(seattle["officers"]),
            "cit_officer_on_scene": seattle["cit_arrived"] == "Y",
            "co_responder_on_scene": rng.random() < 0.08,
            "ems_on_scene": rng.random() < 0.22,
            "age_band": self.age(),
            "sex": self.sex(),
            "race_ethnicity": self.race(),
            "veteran": {"Yes": True, "No": False}.get(seattle["veteran"]),
            "housing": self.housing(),
            "suicidal": initial.startswith("SUICIDE") or rng.random() < 0.2,
            "substance_use": rng.random() < 0.3,
            "psychosis": rng.random() < 0.18,
            "threats_to_others": rng.random() < 0.12,
            "weapon": self.weapon(),
            "force": force,
            "person_injured": rng.random() < 0.04,
            "officer_injured": rng.random() < 0.015,
            "other_injured": rng.random() < 0.01,
            "disposition": code,
            "destination": destination
            or ("County crisis stabilization unit" if code == "voluntary_transport" else ""),
            "referral_to": referral,
            "follow_up_done": rng.random() < 0.35 if code == "referral" else None,
            "district": seattle["precinct"],
            "beat": seattle["beat"],
            "person_key": f"person-{rng.randrange(self.people)}" if has_key else "",
        }


NATIVE_HEADERS = tuple(spec.name for spec in schema.FIELDS)
SEATTLE_HEADERS = (
    "Template ID",
    "Reported Date",
    "Reported Time",
    "Occurred Date / Time",
    "Call Type",
    "Initial Call Type",
    "Final Call Type",
    "Disposition",
    "Use of Force Indicator",
    "Subject Veteran Indicator",
    "CIT Certified Indicator",
    "CIT Officer Arrived",
    "Officer ID",
    "Precinct",
    "Sector",
    "Beat",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def native_rows(
    *, count: int, seed: int = 1, prefix: str = "", **window: datetime.date
) -> Iterator[list[str]]:
    """Rows of a native CSV; `first_day`/`last_day` move the dates (default: Seattle's span)."""
    generator = Generator(seed=seed, count=count, prefix=prefix, **window)
    for number in range(1, count + 1):
        record = generator.native(number)
        yield [_text(record[name]) for name in NATIVE_HEADERS]


def write_native_csv(
    stream: IO[str], *, count: int, seed: int = 1, prefix: str = "", **window: datetime.date
) -> int:
    """Write `count` records as a native CSV (MHR field names as headers, local times)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(NATIVE_HEADERS)
    writer.writerows(native_rows(count=count, seed=seed, prefix=prefix, **window))
    return count


def seattle_rows(*, count: int, seed: int = 1, prefix: str = "") -> Iterator[list[str]]:
    """Seattle Crisis Data rows for `count` templates: one row per officer on each."""
    generator = Generator(seed=seed, count=count, prefix=prefix)
    rng = generator.rng
    for number in range(1, count + 1):
        t = generator.seattle_template(number)
        received = t["received"]
        occurred = received - datetime.timedelta(minutes=rng.randrange(0, 30))
        for officer in t["officers"]:
            certified = "Y" if t["cit_arrived"] == "Y" and rng.random() < 0.55 else ""
            yield [
                t["template"],
                received.strftime("%Y-%m-%d"),
                received.strftime("%H:%M:%S"),
                occurred.strftime("%m/%d/%Y %I:%M:%S %p"),
                t["call_type"],
                t["initial"],
                t["final"],
                t["disposition"],
                t["force"],
                t["veteran"],
                certified,
                t["cit_arrived"],
                str(officer),
                t["precinct"],
                t["sector"],
                t["beat"],
            ]


def write_seattle_csv(stream: IO[str], *, count: int, seed: int = 1, prefix: str = "") -> int:
    """Write `count` templates in the Seattle Crisis Data layout; returns the rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(SEATTLE_HEADERS)
    rows = 0
    for row in seattle_rows(count=count, seed=seed, prefix=prefix):
        writer.writerow(row)
        rows += 1
    return rows


def demo_encounters(
    *, agency: Any, count: int, seed: int, actor: Any = None, today: datetime.date | None = None
) -> Any:
    """Load `count` generated records from the three years before `today` through the importer."""
    today = today or datetime.date.today()  # noqa: DTZ011 (a local calendar day is meant)
    from mhr.encounters.import_services import encounter_import_run

    with tempfile.TemporaryFile(mode="w+b", suffix=".csv") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        write_native_csv(
            text,
            count=count,
            seed=seed,
            prefix=f"{agency.ori[-4:]}-{seed}-",
            first_day=today - datetime.timedelta(days=3 * 365),
            last_day=today - datetime.timedelta(days=1),
        )
        text.flush()
        text.detach()
        raw.seek(0)
        return encounter_import_run(
            agency=agency,
            file=raw,
            filename=f"demo-encounters-{seed}.csv",
            actor=actor,
            commit=True,
        )
