from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from mhr.accounts.models import Agency
from mhr.campaigns.badge import MAX_NAME_CHARS, abbreviate
from mhr.campaigns.models import Pledge
from mhr.campaigns.tests.test_public_pages import make_agency, make_pledge

SVG = "{http://www.w3.org/2000/svg}"


def badge_url(ori: str) -> str:
    return reverse("campaigns:badge", args=[ori])


def parse(response) -> ET.Element:
    return ET.fromstring(response.content)


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (Pledge.Status.PLEDGED, "Pledged"),
        (Pledge.Status.IN_PROGRESS, "In progress"),
        (Pledge.Status.SUBMITTED, "In progress"),
        (Pledge.Status.RETURNED, "In progress"),
        (Pledge.Status.RECOGNIZED, "Recognized"),
        (Pledge.Status.LAPSED, "Lapsed"),
    ],
)
def test_the_badge_shows_the_public_status(client, one_mind, agency_a, status, text):
    make_pledge(agency_a, one_mind, status=status)
    response = client.get(badge_url(agency_a.ori))
    assert response.status_code == 200
    root = parse(response)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "One Mind Campaign" in texts
    assert text in texts
    title = root.find(f"{SVG}title").text
    assert title.startswith(
        f"One Mind Campaign · {text}: Springfield Police Department (WA0170000)"
    )


def test_the_badge_is_a_cacheable_svg_image(client, one_mind, agency_a):
    make_pledge(agency_a, one_mind)
    response = client.get(badge_url(agency_a.ori))
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_badge_carries_its_verification_address(client, one_mind, agency_a):
    make_pledge(agency_a, one_mind)
    root = parse(client.get(badge_url(agency_a.ori)))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "Verify: http://testserver/campaign/agencies/WA0170000/" in texts


def test_the_badge_has_an_accessible_name(client, one_mind, agency_a):
    make_pledge(agency_a, one_mind)
    root = parse(client.get(badge_url(agency_a.ori)))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert(1)</script> Police",
        "Smith & Wesson Township Police",
        "O'Brien \"Quoted\" Sheriff's Office",
        "]]><svg onload=alert(1)>",
        "Bell\x07 Police\x1b Department",
        "Police <image href='http://evil.example/x.png'/>",
    ],
)
def test_the_badge_escapes_the_agency_name(client, one_mind, name):
    agency = make_agency(5, name=name)
    make_pledge(agency, one_mind)
    response = client.get(badge_url(agency.ori))
    body = response.content.decode()
    root = parse(response)  # Well-formed XML whatever the name holds.
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "rect", "g", "text"}
    for element in root.iter():
        assert not any(attr.startswith("on") for attr in element.attrib)
        assert "href" not in " ".join(element.attrib)
    assert "<script" not in body
    assert "url(" not in body
    name_texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    shown = abbreviate(name)
    assert shown in name_texts


def test_the_badge_has_no_external_references(client, one_mind, agency_a):
    make_pledge(agency_a, one_mind)
    body = client.get(badge_url(agency_a.ori)).content.decode()
    assert "href" not in body
    assert "<image" not in body and "<use" not in body and "<foreignObject" not in body
    assert "@import" not in body and "<style" not in body


def test_a_long_name_is_abbreviated_to_fit(client, one_mind):
    name = (
        "Metropolitan Nashville and Davidson County Department of Public Safety Police Department"
    )
    agency = make_agency(6, name=name)
    make_pledge(agency, one_mind)
    root = parse(client.get(badge_url(agency.ori)))
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    shown = abbreviate(name)
    assert shown in texts
    assert len(shown) <= MAX_NAME_CHARS
    # The accessible title keeps the full name.
    assert name in root.find(f"{SVG}title").text


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Springfield Police Department", "Springfield Police Department"),
        (
            "Shelbyville County Sheriff's Office of the Great Commonwealth of Somewhere",
            "Shelbyville Co. SO of the Great…",
        ),
        (
            "University of Northern Somewhereshire Police Department Main Campus",
            "University of Northern Somewhereshire PD Main Campus",
        ),
    ],
)
def test_abbreviate_shortens_common_words_first(name, short):
    assert abbreviate(name, limit=60 if "University" in name else MAX_NAME_CHARS) == short


def test_abbreviate_drops_characters_xml_cannot_carry():
    assert abbreviate("Bell\x00 Police\x07\x1f Department") == "Bell Police Department"


@pytest.mark.parametrize("ori", ["ZZ9999999", "TX0000099"])
def test_an_unknown_ori_or_agency_without_a_pledge_gets_a_plain_404(client, one_mind, ori):
    Agency.objects.create(name="No Pledge PD", ori="TX0000099", state="TX", agency_type="city")
    response = client.get(badge_url(ori))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert b"<svg" not in response.content


def test_the_badge_follows_the_pledge_when_it_lapses(client, one_mind, agency_a):
    pledge = make_pledge(
        agency_a,
        one_mind,
        status=Pledge.Status.RECOGNIZED,
        recognized_on=datetime.date(2025, 1, 1),
    )
    assert b">Recognized<" in client.get(badge_url(agency_a.ori)).content
    pledge.status = Pledge.Status.LAPSED
    pledge.save(update_fields=["status"])
    assert b">Lapsed<" in client.get(badge_url(agency_a.ori)).content


def test_the_badge_takes_one_query(client, one_mind, agency_a, django_assert_num_queries):
    make_pledge(agency_a, one_mind)
    with django_assert_num_queries(1):
        client.get(badge_url(agency_a.ori))
