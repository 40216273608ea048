"""Groups: setting them up, one open steering group, members, closing with a note; and who may
do which on the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from werkplaats.partnerships.models import Group, GroupKind, GroupMember, ProgressReport, ReportStatus
from werkplaats.partnerships.tests.factories import Cast, cast, join
from werkplaats.steering import services

from .conftest import client_for

D = datetime.date


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Services ---------------------------------------------------------------------------------


def test_a_working_group_is_set_up_with_its_assignment_and_cadence(c: Cast) -> None:
    group = services.create_group(
        c.partnership,
        kind=GroupKind.WORKING,
        name="Werkgroep Doorlopende leerlijn",
        theme="Doorlopende leerlijn",
        assignment="Maak een leerlijn van praktijkverklaring naar mbo-diploma.",
        result="Vijf deelnemers stromen door naar een BBL-opleiding.",
        starts_on=D(2025, 1, 6),
        ends_on=D(2025, 12, 19),
        coordinator=c.member.user,
        accountable_to=c.steering,
        report_every_weeks=8,
    )

    assert group.partnership == c.partnership
    assert services.due_dates(group, until=D(2025, 3, 3)) == [D(2025, 3, 3)]


def test_a_partnership_has_at_most_one_open_steering_group(c: Cast, english: None) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_group(c.partnership, kind=GroupKind.STEERING, name="Tweede stuurgroep")

    assert "already has an open steering group (Stuurgroep)" in _errors(exc)["kind"][0]


def test_a_new_steering_group_can_be_set_up_once_the_old_one_is_closed(c: Cast) -> None:
    services.close_group(c.steering, closing_note="Opgegaan in het regionale bestuur.")

    group = services.create_group(c.partnership, kind=GroupKind.STEERING, name="Regiostuurgroep")

    assert group.kind == GroupKind.STEERING


def test_a_working_group_cannot_become_a_second_steering_group(c: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_group(c.working, kind=GroupKind.STEERING)

    assert "kind" in _errors(exc)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"starts_on": D(2025, 5, 1), "ends_on": D(2025, 4, 1)}, "ends_on"),
        ({"report_every_weeks": 6, "accountable_to": None}, "accountable_to"),
        ({"report_every_weeks": None}, "report_every_weeks"),
        ({"name": "  "}, "name"),
    ],
)
def test_bad_group_input_is_refused_at_the_field(c: Cast, fields: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_group(c.working, **fields)

    assert field in _errors(exc)
    c.working.refresh_from_db()
    assert c.working.name == "Werkgroep werkgevers"


def test_a_group_cannot_account_to_itself_or_to_another_partnerships_group(c: Cast) -> None:
    other = cast()
    with pytest.raises(ValidationError) as exc:
        services.update_group(c.working, accountable_to=c.working)
    assert "accountable_to" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.update_group(c.working, accountable_to=other.steering)
    assert "accountable_to" in _errors(exc)


def test_the_coordinator_must_be_a_member_of_the_partnership(c: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.update_group(c.working, coordinator=c.outsider)

    assert "coordinator" in _errors(exc)


def test_only_active_members_of_the_partnership_join_a_group(c: Cast) -> None:
    other = cast()
    with pytest.raises(ValidationError) as exc:
        services.add_group_member(c.working, member=other.member)
    assert "member" in _errors(exc)

    leaver = join(c.partnership, left_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.add_group_member(c.working, member=leaver)
    assert "member" in _errors(exc)

    with pytest.raises(ValidationError) as exc:
        services.add_group_member(c.working, member=c.worker)  # already in it
    assert "member" in _errors(exc)

    added = services.add_group_member(c.working, member=c.member, quality="Kent de leerbedrijven")
    assert added.quality == "Kent de leerbedrijven"


def test_a_member_who_leaves_the_group_is_kept_in_its_history(c: Cast) -> None:
    group_member = GroupMember.objects.get(group=c.working, member=c.worker)

    services.remove_group_member(group_member)

    group_member.refresh_from_db()
    assert group_member.left_on is not None
    assert not c.working.members.active().exists()
    services.add_group_member(c.working, member=c.worker)  # and may come back


def test_closing_requires_a_note(c: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.close_group(c.working, closing_note="   ")

    assert "closing_note" in _errors(exc)
    c.working.refresh_from_db()
    assert c.working.is_open


def test_closing_drops_the_reports_not_yet_due_and_keeps_the_overdue_ones(c: Cast) -> None:
    overdue = ProgressReport.objects.create(group=c.working, due_on=D(2025, 2, 17))
    coming = ProgressReport.objects.create(group=c.working, due_on=D(2025, 3, 31))

    services.close_group(c.working, closing_note="Alle werkgevers zijn bezocht.", on=D(2025, 3, 28))

    assert ProgressReport.objects.filter(pk=overdue.pk).exists()
    assert not ProgressReport.objects.filter(pk=coming.pk).exists()
    c.working.refresh_from_db()
    assert (c.working.closed_on, c.working.closing_note) == (D(2025, 3, 28), "Alle werkgevers zijn bezocht.")
    with pytest.raises(ValidationError):
        services.close_group(c.working, closing_note="Nogmaals")
    with pytest.raises(ValidationError):
        services.add_group_member(c.working, member=c.member)


def test_changing_the_cadence_removes_blank_reports_that_are_no_longer_owed(c: Cast) -> None:
    c.working.starts_on = D(2025, 1, 6)
    c.working.save()
    blank = ProgressReport.objects.create(group=c.working, due_on=D(2099, 2, 17))
    started = ProgressReport.objects.create(group=c.working, due_on=D(2099, 3, 17), progress="Begonnen")

    services.update_group(c.working, report_every_weeks=4)

    assert not ProgressReport.objects.filter(pk=blank.pk).exists()
    assert ProgressReport.objects.filter(pk=started.pk).exists()


# --- Views ------------------------------------------------------------------------------------


def _client(user: object) -> Client:
    return client_for(user)


def _url(name: str, c: Cast, **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": c.partnership.slug, **kwargs})


def test_members_see_the_groups_by_kind_and_outsiders_do_not(c: Cast) -> None:
    services.close_group(
        services.create_group(c.partnership, kind=GroupKind.WORKING, name="Werkgroep Klaar"),
        closing_note="Gedaan.",
    )
    response = _client(c.member.user).get(_url("steering:groups", c))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Werkgroep werkgevers" in html and "Stuurgroep" in html
    assert html.index("Werkgroep werkgevers") < html.index("Closed groups") < html.index("Werkgroep Klaar")
    assert _client(c.outsider).get(_url("steering:groups", c)).status_code == 404
    assert _client(c.outsider).get(_url("steering:group", c, pk=c.working.pk)).status_code == 404


def test_the_group_page_shows_its_assignment_members_and_accountability(c: Cast) -> None:
    GroupMember.objects.filter(group=c.working).update(quality="Netwerk bij werkgevers")
    c.working.assignment = "Bezoek alle leerbedrijven"
    c.working.save()

    html = _client(c.member.user).get(_url("steering:group", c, pk=c.working.pk)).content.decode()

    assert "Bezoek alle leerbedrijven" in html
    assert "Netwerk bij werkgevers" in html
    assert "every 6 weeks" in html


def test_the_manager_sets_up_a_group_and_a_plain_member_may_not(c: Cast) -> None:
    data = {
        "kind": GroupKind.LEARNING_COMMUNITY,
        "name": "PLG Praktijkopleiders",
        "starts_on": "06-01-2025",
        "coordinator": str(c.member.user.pk),
    }
    assert _client(c.member.user).post(_url("steering:group-add", c), data).status_code == 403
    assert _client(c.outsider).post(_url("steering:group-add", c), data).status_code == 404

    response = _client(c.manager.user).post(_url("steering:group-add", c), data)

    group = Group.objects.get(name="PLG Praktijkopleiders")
    assert response.status_code == 302
    assert response["Location"] == _url("steering:group", c, pk=group.pk)
    assert group.starts_on == D(2025, 1, 6)


def test_a_second_steering_group_is_refused_with_a_message_at_the_field(c: Cast) -> None:
    response = _client(c.manager.user).post(_url("steering:group-add", c), {"kind": "steering", "name": "Nog een"})

    assert response.status_code == 200
    assert "already has an open steering group" in response.context["form"].errors["kind"][0]
    assert not Group.objects.filter(name="Nog een").exists()


def test_bad_dates_are_shown_at_the_field(c: Cast) -> None:
    response = _client(c.manager.user).post(
        _url("steering:group-edit", c, pk=c.working.pk),
        {"kind": "working", "name": "Werkgroep werkgevers", "starts_on": "31-02-2025", "ends_on": "morgen"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"starts_on", "ends_on"}


def test_the_coordinator_adds_and_removes_members_and_a_plain_member_may_not(c: Cast) -> None:
    add = _url("steering:group-member-add", c, pk=c.working.pk)
    data = {"member": str(c.member.pk), "quality": "Kent de scholen"}
    assert _client(c.member.user).post(add, data).status_code == 403
    assert _client(c.steering_member.user).post(add, data).status_code == 403

    assert _client(c.worker.user).post(add, data).status_code == 302  # the coordinator

    added = GroupMember.objects.get(group=c.working, member=c.member)
    assert added.quality == "Kent de scholen"
    remove = _url("steering:group-member-remove", c, pk=c.working.pk, member_pk=added.pk)
    assert _client(c.steering_member.user).post(remove).status_code == 403
    assert _client(c.worker.user).get(remove).status_code == 405
    assert _client(c.manager.user).post(remove).status_code == 302
    added.refresh_from_db()
    assert added.left_on is not None


def test_someone_outside_the_partnership_cannot_be_added(c: Cast) -> None:
    other = cast()
    response = _client(c.worker.user).post(
        _url("steering:group-member-add", c, pk=c.working.pk), {"member": str(other.member.pk)}
    )

    assert response.status_code == 200
    assert "member" in response.context["form"].errors


def test_the_coordinator_closes_the_group_with_a_note(c: Cast) -> None:
    close = _url("steering:group-close", c, pk=c.working.pk)
    assert _client(c.member.user).post(close, {"closing_note": "Klaar"}).status_code == 403

    empty = _client(c.worker.user).post(close, {"closing_note": ""})
    assert empty.status_code == 200
    assert "closing_note" in empty.context["form"].errors

    assert _client(c.worker.user).post(close, {"closing_note": "Twintig leerbedrijven erkend."}).status_code == 302
    c.working.refresh_from_db()
    assert c.working.closing_note == "Twintig leerbedrijven erkend."


def test_a_report_of_a_closed_group_stays_readable(c: Cast) -> None:
    report = ProgressReport.objects.create(group=c.working, due_on=D(2025, 2, 17), status=ReportStatus.DUE)
    services.close_group(c.working, closing_note="Klaar.", on=D(2025, 3, 1))

    assert _client(c.member.user).get(_url("steering:report", c, pk=report.pk)).status_code == 200
