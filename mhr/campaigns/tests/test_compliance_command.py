"""`mhr compliance ORI`: the engine's result on the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mhr.campaigns.tests.test_compliance_loaders import build_agency, make_pledge


def compliance(*args):
    out = io.StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def test_it_prints_a_table_for_a_pledged_agency(one_mind, agency_a):
    build_agency(agency_a, 10)
    make_pledge(agency_a, one_mind)
    text = compliance("WA0170000", "--as-of", "2026-06-01")
    assert "Springfield Police Department (WA0170000)" in text
    assert "ALL REQUIREMENTS MET" in text
    assert "CIT-qualified           2 (20.0%)" in text
    assert "cit-coverage" in text and "mhfa-remaining" in text
    assert "2027-01-02" in text


def test_it_prints_json_with_the_numbers(one_mind, agency_a):
    build_agency(agency_a, 10)
    make_pledge(agency_a, one_mind, "2016")
    data = json.loads(compliance("wa0170000", "--as-of", "2026-06-01", "--json"))
    assert data["rule_version"] == "2016" and data["pledge_status"] == "pledged"
    result = data["result"]
    assert result["met"] is False and result["active_sworn"] == 10
    mhfa = next(r for r in result["requirements"] if r["key"] == "mhfa-coverage")
    assert (mhfa["shortfall"], mhfa["needs_course_family"]) == (2, "mental_health_first_aid")
    assert len(mhfa["lacking_officer_ids"]) == 2


def test_it_refuses_an_unknown_ori(db):
    with pytest.raises(CommandError, match="No agency has the ORI 'XX0000000'"):
        compliance("XX0000000")


def test_it_refuses_an_agency_without_a_pledge_unless_a_rule_is_given(one_mind, agency_b):
    build_agency(agency_b, 5)
    with pytest.raises(CommandError, match="has not pledged.*--rule"):
        compliance("OR0260000")
    data = json.loads(
        compliance("OR0260000", "--rule", "current", "--json", "--as-of", "2026-06-01")
    )
    assert data["pledge_status"] is None and data["result"]["met"] is True


def test_it_refuses_bad_dates_rules_and_campaigns(one_mind, agency_a):
    make_pledge(agency_a, one_mind)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        compliance("WA0170000", "--as-of", "June 1")
    with pytest.raises(CommandError, match="no rule version '2030'"):
        compliance("WA0170000", "--rule", "2030")
    with pytest.raises(CommandError, match="No campaign"):
        compliance("WA0170000", "--campaign", "nope")


def test_it_exits_with_status_one_on_errors(db):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["mhr", "compliance", "XX0000000"])
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code == 1
