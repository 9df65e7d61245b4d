"""Property tests for the compliance engine's invariants (pure, no database)."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mhr.campaigns.compliance import certificate_valid_on, evaluate
from mhr.campaigns.tests.test_compliance_engine import (
    FAMILY,
    RULES,
    cert,
    partnership,
    person,
    policy,
)

START = datetime.date(2024, 1, 1)
AS_OF = datetime.date(2026, 1, 1)
COURSES = sorted(FAMILY) + ["other-course"]
ROLES = ["patrol", "dispatcher", "civilian"]
STATUSES = ["active", "leave", "separated"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates = st.integers(min_value=0, max_value=1500).map(lambda n: START + datetime.timedelta(days=n))


@st.composite
def rosters(draw, max_people=25):
    n = draw(st.integers(min_value=0, max_value=max_people))
    people = [
        person(
            i,
            sworn=draw(st.booleans()),
            status=draw(st.sampled_from(STATUSES)),
            role=draw(st.sampled_from(ROLES)),
        )
        for i in range(1, n + 1)
    ]
    certs = []
    for _ in range(draw(st.integers(min_value=0, max_value=3 * max_people))):
        completed = draw(dates)
        expires = draw(
            st.one_of(
                st.none(),
                st.integers(min_value=0, max_value=1200).map(
                    lambda d, c=completed: c + datetime.timedelta(days=d)
                ),
            )
        )
        certs.append(
            cert(
                draw(st.integers(min_value=1, max_value=n + 2)),
                draw(st.sampled_from(COURSES)),
                completed,
                expires,
            )
        )
    return people, certs


rule_codes = st.sampled_from(sorted(RULES))
scopes = st.sampled_from(
    [frozenset(), frozenset({"dispatcher"}), frozenset({"dispatcher", "civilian"})]
)


def run(rule_code, people, certs, roles, as_of=AS_OF):
    return evaluate(
        rules=RULES[rule_code],
        people=people,
        certificates=certs,
        partnerships=[partnership()],
        policies=[policy()],
        non_sworn_roles_in_scope=roles,
        as_of=as_of,
    )


def numbers(result):
    """Every coverage count in a result, in a fixed order."""
    values = [result.cit_qualified, result.mhfa_qualified, result.covered, result.non_sworn_covered]
    for r in result.requirements:
        if r.kind == "training_coverage":
            values += [r.numerator, r.non_sworn_numerator]
    return values


def coverage(result):
    return [r for r in result.requirements if r.kind == "training_coverage"]


@SETTINGS
@given(rosters(), rule_codes, scopes, st.data())
def test_adding_a_valid_certificate_never_lowers_coverage(roster, rule_code, roles, data):
    people, certs = roster
    before = run(rule_code, people, certs, roles)
    officer_id = data.draw(st.integers(min_value=1, max_value=len(people) + 1))
    completed = data.draw(
        st.integers(min_value=0, max_value=700).map(lambda d: AS_OF - datetime.timedelta(days=d))
    )
    expires = data.draw(
        st.one_of(
            st.none(),
            st.integers(min_value=0, max_value=900).map(
                lambda d: AS_OF + datetime.timedelta(days=d)
            ),
        )
    )
    new = cert(officer_id, data.draw(st.sampled_from(COURSES)), completed, expires)
    assert certificate_valid_on(new, AS_OF)
    after = run(rule_code, people, [*certs, new], roles)
    assert all(a >= b for a, b in zip(numbers(after), numbers(before), strict=True))
    for old, new_result in zip(before.requirements, after.requirements, strict=True):
        assert not (old.met and not new_result.met)
    assert after.met or not before.met


@SETTINGS
@given(rosters(), rule_codes, scopes, st.data())
def test_separated_officers_never_count(roster, rule_code, roles, data):
    people, certs = roster
    base = run(rule_code, people, certs, roles)
    extra_ids = range(1000, 1000 + data.draw(st.integers(min_value=1, max_value=5)))
    separated = [
        person(i, sworn=data.draw(st.booleans()), status="separated", role="dispatcher")
        for i in extra_ids
    ]
    their_certs = [cert(i, code) for i in extra_ids for code in ("cit-40", "mhfa-ps")]
    assert run(rule_code, [*people, *separated], [*certs, *their_certs], roles) == base


@SETTINGS
@given(rosters(), rule_codes, scopes, st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_input_order(roster, rule_code, roles, rnd):
    people, certs = roster
    shuffled_people, shuffled_certs = list(people), list(certs)
    rnd.shuffle(shuffled_people)
    rnd.shuffle(shuffled_certs)
    assert run(rule_code, shuffled_people, shuffled_certs, roles) == run(
        rule_code, people, certs, roles
    )


@SETTINGS
@given(rosters(), rule_codes, scopes)
def test_percentages_stay_between_zero_and_a_hundred(roster, rule_code, roles):
    result = run(rule_code, *roster, roles)
    percents = [result.cit_percent, result.mhfa_percent, result.covered_percent]
    percents += [r.percent for r in result.requirements if r.percent is not None]
    assert all(0 <= p <= 100 for p in percents)
    assert result.covered <= result.active_sworn
    assert max(result.cit_qualified, result.mhfa_qualified) <= result.covered


@SETTINGS
@given(rosters(), rule_codes)
def test_a_sworn_share_is_met_exactly_when_enough_hold_it(roster, rule_code):
    result = run(rule_code, *roster, frozenset())
    for r in coverage(result):
        assert r.met == (r.denominator > 0 and r.numerator >= r.required)


@SETTINGS
@given(rosters(), rule_codes, scopes)
def test_met_needs_both_groups_and_the_shortfall_is_zero_exactly_when_met(roster, rule_code, roles):
    result = run(rule_code, *roster, roles)
    for r in coverage(result):
        enough = r.numerator >= r.required and r.non_sworn_numerator >= r.non_sworn_required
        assert r.met == (result.active_sworn > 0 and enough)
        if result.active_sworn > 0:
            assert (r.shortfall == 0) == r.met
        assert r.shortfall >= 0
        assert (r.needs_course_family != "") == (r.shortfall > 0)
        assert list(r.lacking_officer_ids) == sorted(set(r.lacking_officer_ids))


@SETTINGS
@given(rosters(), rule_codes, scopes, st.integers(min_value=1, max_value=1500))
def test_moving_the_date_forward_without_new_training_never_raises_coverage(
    roster, rule_code, roles, days
):
    people, certs = roster
    done = [c for c in certs if c.completed_on <= AS_OF]
    now = run(rule_code, people, done, roles)
    later = run(rule_code, people, done, roles, as_of=AS_OF + datetime.timedelta(days=days))
    assert all(a <= b for a, b in zip(numbers(later), numbers(now), strict=True))


@SETTINGS
@given(rosters(), rule_codes, scopes)
def test_coverage_falls_below_on_the_predicted_day_and_not_before(roster, rule_code, roles):
    people, certs = roster
    done = [c for c in certs if c.completed_on <= AS_OF]
    now = run(rule_code, people, done, roles)
    met_keys = {r.key for r in coverage(now) if r.met}
    falls = now.coverage_falls_below_on
    if falls is None:
        far = run(rule_code, people, done, roles, as_of=datetime.date(2099, 1, 1))
        assert met_keys <= {r.key for r in coverage(far) if r.met}
        return
    assert met_keys and falls > AS_OF
    on_day = run(rule_code, people, done, roles, as_of=falls)
    assert not met_keys <= {r.key for r in coverage(on_day) if r.met}
    day_before = run(rule_code, people, done, roles, as_of=falls - datetime.timedelta(days=1))
    assert met_keys <= {r.key for r in coverage(day_before) if r.met}
