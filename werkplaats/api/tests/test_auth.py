"""Who gets in: a valid token, and nothing else; what a token sees is what its organisation sees."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from werkplaats.api.models import ApiToken, hash_secret
from werkplaats.api.services import revoke_token
from werkplaats.certificates import services as certificate_services
from werkplaats.certificates.tests.world import CertificateWorld
from werkplaats.goals.models import Goal, Indicator, IndicatorValue
from werkplaats.organisations.models import Membership, Role
from werkplaats.organisations.services import add_membership
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.partnerships.models import Partner, Partnership, PartnershipMember

from .helpers import ApiClient, make_token

PROBLEM = "application/problem+json"


def _is_401(response: object) -> bool:
    return (
        response.status_code == 401  # type: ignore[attr-defined]
        and response["Content-Type"].startswith(PROBLEM)  # type: ignore[index]
        and response["WWW-Authenticate"].startswith("Bearer")  # type: ignore[index]
    )


def test_a_valid_token_reads_its_organisation(world: CertificateWorld) -> None:
    _token, secret = make_token(world.work.municipality, world.work.consultant)

    response = ApiClient(secret).get(f"/api/v1/organisations/{world.work.municipality.slug}")

    assert response.status_code == 200
    assert response.json()["name"] == "Gemeente Haren"


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Basic dXNlcjpwYXNz", "Token wpk_abc"])
def test_a_missing_or_unknown_token_is_a_401(world: CertificateWorld, header: str) -> None:
    client = ApiClient()
    if header:
        client.headers["Authorization"] = header

    assert _is_401(client.get("/api/v1/organisations"))


def test_an_expired_token_is_a_401(world: CertificateWorld) -> None:
    token, secret = make_token(world.work.municipality, world.work.consultant)
    past = timezone.now() - datetime.timedelta(days=1)
    ApiToken.objects.filter(pk=token.pk).update(created_at=past - datetime.timedelta(days=30), expires_at=past)

    assert _is_401(ApiClient(secret).get("/api/v1/organisations"))


def test_a_revoked_token_is_a_401(world: CertificateWorld) -> None:
    admin = member_of(world.work.municipality, Role.ADMIN)
    token, secret = make_token(world.work.municipality, world.work.consultant)
    revoke_token(token, by=admin)

    assert _is_401(ApiClient(secret).get("/api/v1/organisations"))


def test_a_token_stops_working_when_its_creators_membership_ends(world: CertificateWorld) -> None:
    _token, secret = make_token(world.work.municipality, world.work.consultant)
    Membership.objects.filter(user=world.work.consultant).update(ended_at=timezone.now())

    assert _is_401(ApiClient(secret).get("/api/v1/organisations"))


def test_a_token_stops_working_when_its_creator_is_deactivated(world: CertificateWorld) -> None:
    _token, secret = make_token(world.work.municipality, world.work.consultant)
    world.work.consultant.is_active = False
    world.work.consultant.save()

    assert _is_401(ApiClient(secret).get("/api/v1/organisations"))


def test_only_a_hash_of_the_secret_is_stored(world: CertificateWorld) -> None:
    token, secret = make_token(world.work.municipality, world.work.consultant)
    token.refresh_from_db()

    assert token.key_hash == hash_secret(secret)
    assert secret not in {str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields}
    assert secret.startswith(token.prefix)


def test_last_used_is_recorded(world: CertificateWorld) -> None:
    token, secret = make_token(world.work.municipality, world.work.consultant)

    ApiClient(secret).get("/api/v1/organisations")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_token_sees_with_its_organisations_roles_only(world: CertificateWorld) -> None:
    """The school staff member also works for the municipality as a consultant: a token of the
    municipality sees the municipality's learner's certificate (as consultant), a token of the
    school sees it as the school; neither sees the other organisation's details."""
    certificate = certificate_services.issue(world.trajectory, by=world.school_staff)
    other = OrganisationFactory.create(name="Elders", region=world.work.municipality.region)
    add_membership(world.school_staff, other, roles=[Role.ADMIN])
    _token, school_secret = make_token(world.school, world.school_staff)
    _token, other_secret = make_token(other, world.school_staff)

    school = ApiClient(school_secret)
    elsewhere = ApiClient(other_secret)

    assert school.get(f"/api/v1/certificates/{certificate.number}").status_code == 200
    assert elsewhere.get(f"/api/v1/certificates/{certificate.number}").status_code == 404
    assert [o["slug"] for o in school.get("/api/v1/organisations").json()["items"]] == [world.school.slug]
    assert [o["slug"] for o in elsewhere.get("/api/v1/organisations").json()["items"]] == [other.slug]


def test_a_platform_administrators_token_is_scoped_to_its_organisation(world: CertificateWorld) -> None:
    world.work.consultant.is_superuser = True
    world.work.consultant.save()
    _token, secret = make_token(world.work.municipality, world.work.consultant)

    slugs = [o["slug"] for o in ApiClient(secret).get("/api/v1/organisations").json()["items"]]

    assert slugs == [world.work.municipality.slug]


# --- Another organisation's token: 404 on every object endpoint ------------------------------


def _partnership(world: CertificateWorld) -> tuple[Partnership, Goal, Indicator]:
    partnership = Partnership.objects.create(name="Praktijkleren Groningen", slug="pl-groningen", kind="other")
    partner = Partner.objects.create(partnership=partnership, organisation=world.work.municipality)
    PartnershipMember.objects.create(
        partnership=partnership, user=world.work.consultant, partner=partner, role="manager", perspective="public"
    )
    goal = Goal.objects.create(partnership=partnership, title="Meer praktijkverklaringen")
    indicator = Indicator.objects.create(
        goal=goal,
        name="Uitgereikt",
        target=100,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    IndicatorValue.objects.create(indicator=indicator, value=12, measured_on=datetime.date(2026, 3, 1))
    return partnership, goal, indicator


def test_another_organisations_token_gets_404_on_every_object_endpoint(world: CertificateWorld) -> None:
    certificate = certificate_services.issue(world.trajectory, by=world.school_staff)
    partnership, goal, _indicator = _partnership(world)
    _token, own_secret = make_token(world.work.municipality, world.work.consultant)
    _token, outsider_secret = make_token(world.work.outsider.memberships.get().organisation, world.work.outsider)
    paths = [
        f"/api/v1/organisations/{world.work.municipality.slug}",
        f"/api/v1/certificates/{certificate.number}",
        f"/api/v1/partnerships/{partnership.slug}",
        f"/api/v1/partnerships/{partnership.slug}/goals",
        f"/api/v1/partnerships/{partnership.slug}/goals/{goal.pk}",
        f"/api/v1/partnerships/{partnership.slug}/indicator-values",
    ]
    own, outsider = ApiClient(own_secret), ApiClient(outsider_secret)

    assert [own.get(path).status_code for path in paths] == [200] * len(paths)
    assert [outsider.get(path).status_code for path in paths] == [404] * len(paths)
    assert outsider.post("/api/v1/certificates", {"trajectory": world.trajectory.pk}).status_code == 404


def test_a_partnership_is_seen_only_through_a_partner_organisations_token(world: CertificateWorld) -> None:
    """The consultant is a member of the partnership for the municipality; their token of another
    organisation does not speak for the partnership."""
    partnership, _goal, _indicator = _partnership(world)
    other = OrganisationFactory.create(name="Elders")
    add_membership(world.work.consultant, other, roles=[Role.CONSULTANT])
    _token, secret = make_token(other, world.work.consultant)

    assert ApiClient(secret).get(f"/api/v1/partnerships/{partnership.slug}").status_code == 404
    assert ApiClient(secret).get("/api/v1/partnerships").json()["count"] == 0


# --- Read-only tokens and roles for writes ---------------------------------------------------


def test_a_read_only_token_gets_403_on_writes(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff, read_only=True)
    api = ApiClient(secret)

    responses = [
        api.post("/api/v1/certificates", {"trajectory": world.trajectory.pk}),
        api.put("/api/v1/certificates", {}),
        api.patch(f"/api/v1/organisations/{world.school.slug}", {}),
        api.delete(f"/api/v1/organisations/{world.school.slug}"),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert all(r["Content-Type"].startswith(PROBLEM) for r in responses)
    assert not world.trajectory.certificates.exists()
    assert api.get(f"/api/v1/organisations/{world.school.slug}").status_code == 200


def test_issuing_needs_the_schools_staff_role(world: CertificateWorld) -> None:
    """The consultant's read-write token sees the trajectory but is no school: a 403, as in the UI."""
    _token, secret = make_token(world.work.municipality, world.work.consultant)

    response = ApiClient(secret).post("/api/v1/certificates", {"trajectory": world.trajectory.pk})

    assert response.status_code == 403
    assert not world.trajectory.certificates.exists()
