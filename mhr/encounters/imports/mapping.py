"""The column-mapping step for native files: which header holds which MHR field.

A mapping is {MHR field: header}. Suggestions come from the headers (field names, labels, a few
RMS synonyms, then close spellings); the coordinator's choice wins, then the agency's saved
mapping. Required fields left unmapped are an error naming them before any row is read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from mhr.campaigns.imports.errors import IssueList
from mhr.encounters import schema

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "incident_number": (
        "incident",
        "incidentno",
        "incidentid",
        "cad",
        "cadnumber",
        "cadno",
        "eventnumber",
        "eventno",
        "callnumber",
        "casenumber",
        "reportnumber",
        "templateid",
        "gonumber",
    ),
    "received_at": ("received", "callreceived", "receivedat", "calltime", "datetimereceived"),
    "arrived_at": ("arrived", "arrivedat", "onscene", "arrivaltime", "firstarrived"),
    "cleared_at": ("cleared", "clearedat", "cleartime", "closed", "closedat"),
    "dispatch_call_type": ("initialcalltype", "calltype", "dispatchtype", "naturecode"),
    "final_call_type": ("finalcalltype", "finaltype", "finalnature"),
    "flagged_at_dispatch": ("flagged", "mhflag", "mentalhealthflag"),
    "officers_count": ("officers", "numberofofficers", "officercount", "units"),
    "cit_officer_on_scene": ("cit", "citonscene", "citofficer", "citofficerarrived"),
    "co_responder_on_scene": ("coresponder", "clinician"),
    "ems_on_scene": ("ems", "medic"),
    "race_ethnicity": ("race", "ethnicity", "raceethnicity"),
    "housing": ("housingstatus", "homeless", "unhoused"),
    "suicidal": ("suicide", "suicidalideation"),
    "force": ("useofforce", "forceused", "highestforce"),
    "disposition": ("outcome", "resolution", "clearance"),
    "district": ("precinct", "district", "division", "zone"),
    "beat": ("beat", "sector", "reportingarea"),
    "person_key": ("personkey", "personhash", "subjectkey", "subjecthash"),
}


def normalized(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _candidates(spec: schema.FieldSpec) -> set[str]:
    return {normalized(spec.name), normalized(spec.label), *_SYNONYMS.get(spec.name, ())}


def suggest_mapping(headers: Sequence[str]) -> dict[str, str]:
    """{field: header} for every field a header plausibly holds; each header used once."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalized(header), header)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    # Exact matches first, so a close spelling never takes another field's exact header.
    for spec in schema.FIELDS:
        for candidate in sorted(_candidates(spec)):
            header = by_norm.get(candidate)
            if header is not None and header not in used:
                mapping[spec.name] = header
                used.add(header)
                break
    for spec in schema.FIELDS:
        if spec.name in mapping:
            continue
        best, best_score = "", 0.0
        for norm, header in by_norm.items():
            if header in used or not norm:
                continue
            for candidate in _candidates(spec):
                score = difflib.SequenceMatcher(None, norm, candidate).ratio()
                if score > best_score:
                    best, best_score = header, score
        if best and best_score >= 0.85:
            mapping[spec.name] = best
            used.add(best)
    return {name: mapping[name] for name in schema.BY_NAME if name in mapping}


def resolve_mapping(
    headers: Sequence[str],
    *,
    chosen: Mapping[str, str | None] | None = None,
    saved: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], IssueList]:
    """The mapping to use and any problems with it (unknown fields or headers, required gaps)."""
    issues = IssueList()
    present = set(headers)
    mapping: dict[str, str] = {}
    if chosen:
        # The coordinator chose every field on the mapping step: their choice is the mapping.
        for name, header in chosen.items():
            if name not in schema.BY_NAME:
                issues.add(f"“{name}” is not an MHR encounter field.", column=str(header or ""))
            elif header and header not in present:
                issues.add(
                    f"{schema.BY_NAME[name].label}: the file has no column “{header}”.",
                    column=str(header),
                )
            elif header:
                mapping[name] = header
    else:
        suggested = suggest_mapping(headers)
        saved_usable = {k: v for k, v in (saved or {}).items() if k in schema.BY_NAME}
        if saved_usable and all(v in present for v in saved_usable.values() if v):
            mapping = {k: v for k, v in saved_usable.items() if v}
            taken = set(mapping.values())
            for name, header in suggested.items():
                if name not in mapping and header not in taken:
                    mapping[name] = header
                    taken.add(header)
        else:
            mapping = suggested
    seen: dict[str, str] = {}
    for name, header in mapping.items():
        if header in seen:
            issues.add(
                f"The column “{header}” is chosen for both {schema.BY_NAME[seen[header]].label} "
                f"and {schema.BY_NAME[name].label}; choose one column for each.",
                column=header,
            )
        seen[header] = name
    missing = [spec.label for spec in schema.FIELDS if spec.required and spec.name not in mapping]
    if missing:
        issues.add(
            "Required fields have no column: "
            + ", ".join(missing)
            + ". Choose the column of the file that holds each one.",
        )
    ordered = {name: mapping[name] for name in schema.BY_NAME if name in mapping}
    return ordered, issues
