"""The column-mapping step: which header in the agency's file holds which MHR field.

A mapping is {MHR field: header in the file}. It is suggested from the headers (an HR system's
"Badge #" or "Surname"), overridden by what the coordinator chose, remembered per agency in
ColumnMapping once an import is committed, and checked before any row is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mhr.campaigns.imports.errors import IssueList
from mhr.campaigns.imports.rows import FIELDS_BY_KIND, field_label

# Headers are compared with everything but letters and digits removed: "Badge #" → "badge".
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "roster": {
        "employee_id": (
            "employeeid",
            "empid",
            "employeeno",
            "employeenumber",
            "empno",
            "empnum",
            "badge",
            "badgeno",
            "badgenumber",
            "badgeid",
            "personnelid",
            "personnelno",
            "personnelnumber",
            "staffid",
            "officerid",
            "payrollid",
            "payrollnumber",
            "serialnumber",
            "serialno",
            "id",
            "idnumber",
        ),
        "first_name": ("firstname", "first", "givenname", "fname", "forename", "namefirst"),
        "last_name": ("lastname", "last", "surname", "familyname", "lname", "namelast"),
        "is_sworn": (
            "sworn",
            "issworn",
            "swornstatus",
            "swornnonsworn",
            "swornciv",
            "sworncivilian",
            "swornorcivilian",
            "swornflag",
            "employeetype",
            "emptype",
            "personneltype",
            "employeeclass",
            "classification",
        ),
        "role": ("role", "rank", "title", "jobtitle", "position", "jobclass", "jobclassification"),
        "unit": (
            "unit",
            "unitorshift",
            "shift",
            "division",
            "bureau",
            "section",
            "squad",
            "team",
            "district",
            "precinct",
            "assignment",
            "department",
        ),
        "hire_date": (
            "hiredate",
            "hired",
            "datehired",
            "dateofhire",
            "doh",
            "startdate",
            "employmentdate",
            "appointmentdate",
            "dateofemployment",
        ),
        "status": ("status", "employmentstatus", "empstatus", "employeestatus", "dutystatus"),
        "status_since": (
            "statussince",
            "statusdate",
            "statuseffective",
            "statuseffectivedate",
            "statuschangedate",
            "statuschanged",
        ),
    },
    "training": {
        "employee_id": (
            "employeeid",
            "empid",
            "employeeno",
            "employeenumber",
            "empno",
            "badge",
            "badgeno",
            "badgenumber",
            "personnelid",
            "personnelnumber",
            "staffid",
            "officerid",
            "studentid",
            "id",
        ),
        "course": (
            "course",
            "coursename",
            "coursetitle",
            "coursecode",
            "coursetype",
            "training",
            "trainingname",
            "trainingtitle",
            "trainingcourse",
            "class",
            "classname",
            "certification",
            "program",
        ),
        "provider": (
            "provider",
            "trainingprovider",
            "vendor",
            "trainer",
            "instructor",
            "deliveredby",
            "academy",
            "sponsor",
        ),
        "completed_on": (
            "completedon",
            "completed",
            "completiondate",
            "datecompleted",
            "dateofcompletion",
            "completeddate",
            "trainingdate",
            "coursedate",
            "classdate",
            "certificationdate",
            "certdate",
            "enddate",
            "date",
        ),
        "hours": ("hours", "hrs", "credithours", "contacthours", "traininghours", "duration"),
        "expires_on": (
            "expireson",
            "expires",
            "expiration",
            "expirationdate",
            "expiry",
            "expirydate",
            "validuntil",
            "validthrough",
            "certexpiration",
            "recertdue",
            "recertificationdate",
        ),
    },
}


def header_key(header: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


def suggest_mapping(headers: Sequence[str], kind: str) -> dict[str, str]:
    """The best guess from the headers alone; each header is used for at most one field."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for field_name, synonyms in SYNONYMS[kind].items():
        for synonym in synonyms:
            found = by_key.get(synonym)
            if found is not None and found not in used:
                mapping[field_name] = found
                used.add(found)
                break
    return mapping


def resolve_mapping(
    headers: Sequence[str],
    kind: str,
    *,
    chosen: Mapping[str, str | None] | None = None,
    saved: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], IssueList]:
    """The mapping to use and the problems with it.

    `chosen` (from the mapping step or --mapping) wins; an empty or None value there unmaps a
    field. Then the agency's saved mapping, for headers still present; then suggestions.
    """
    issues = IssueList()
    fields = {spec.name for spec in FIELDS_BY_KIND[kind]}
    header_set = set(headers)
    mapping: dict[str, str] = {}
    unmapped: set[str] = set()
    for field_name, header in (chosen or {}).items():
        if field_name not in fields:
            issues.add(
                f"“{field_name}” is not a {kind} field. Fields: {', '.join(sorted(fields))}."
            )
        elif not header:
            unmapped.add(field_name)
        elif header not in header_set:
            issues.add(
                f"The mapping names the column “{header}” for {field_label(kind, field_name)}, "
                f"but the file has no such column. Columns: {_listed(headers)}."
            )
        else:
            mapping[field_name] = header
    for source in (saved or {}), suggest_mapping(headers, kind):
        for field_name, header in source.items():
            if (
                field_name in fields
                and field_name not in mapping
                and field_name not in unmapped
                and header in header_set
                and header not in mapping.values()
            ):
                mapping[field_name] = header
    seen: dict[str, str] = {}
    for field_name, header in mapping.items():
        if header in seen:
            issues.add(
                f"The column “{header}” is mapped to both {field_label(kind, seen[header])} and "
                f"{field_label(kind, field_name)}; map each field to its own column."
            )
        seen[header] = field_name
        if headers.count(header) > 1:
            issues.add(
                f"{headers.count(header)} columns are headed “{header}”; rename them so the "
                f"{field_label(kind, field_name)} column can be told apart."
            )
    missing = [spec for spec in FIELDS_BY_KIND[kind] if spec.required and spec.name not in mapping]
    if kind == "roster" and any(spec.name == "is_sworn" for spec in missing):
        issues.add(
            "The roster has no sworn column. Coverage is counted over sworn officers, so add a "
            "column saying whether each person is sworn (Y/N, Sworn/Civilian) and map it to Sworn."
        )
        missing = [spec for spec in missing if spec.name != "is_sworn"]
    if missing:
        issues.add(
            f"No column is mapped to {_listed([spec.label for spec in missing], quote=False)}. "
            f"Columns in this file: {_listed(headers)}."
        )
    return mapping, issues


def _listed(items: Sequence[str], *, quote: bool = True, limit: int = 30) -> str:
    shown = [f"“{item}”" if quote else item for item in items[:limit]]
    if len(items) > limit:
        shown.append(f"and {len(items) - limit} more")
    return ", ".join(shown) if shown else "none"
