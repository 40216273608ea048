"""The rules of intervision: 4 to 8 participants, a facilitator who is not one of them, leaving
at any time with the history kept, and an audit log that never holds what was said."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from werkplaats.audit.models import Action as AuditAction
from werkplaats.audit.models import AuditLogEntry
from werkplaats.audit.registry import SENSITIVE_MARK
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import cast, join

from .. import services
from ..models import IntervisionGroup, IntervisionSession, Method, Participant
from .helpers import held, intervision, members

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in the source language


@pytest.mark.parametrize("size", [0, 1, 3, 9, 12])
def test_a_group_needs_four_to_eight_participants(size: int) -> None:
    c = cast()

    with pytest.raises(ValidationError) as caught:
        services.create_group(
            c.partnership,
            by=c.manager.user,
            name="Te klein",
            facilitator=c.steering_member,
            participants=members(c, size),
        )

    assert "4 to 8 participants" in caught.value.message_dict["participants"][0]
    assert f"you chose {size}" in caught.value.message_dict["participants"][0]
    assert not IntervisionGroup.objects.exists()


@pytest.mark.parametrize("size", [4, 8])
def test_four_and_eight_participants_are_both_fine(size: int) -> None:
    c = cast()

    group = services.create_group(
        c.partnership, by=c.manager.user, name="Groep", facilitator=c.steering_member, participants=members(c, size)
    )

    assert Participant.objects.current().filter(group=group).count() == size


def test_the_facilitator_cannot_also_take_part() -> None:
    c = cast()
    people = members(c, 4)

    with pytest.raises(ValidationError) as caught:
        services.create_group(c.partnership, by=c.manager.user, name="G", facilitator=people[0], participants=people)

    assert "does not take part" in caught.value.message_dict["facilitator"][0]
    assert "participants" not in caught.value.message_dict


def test_people_from_outside_the_partnership_are_refused() -> None:
    c, other = cast(), cast()

    with pytest.raises(ValidationError) as caught:
        services.create_group(
            c.partnership,
            by=c.manager.user,
            name="G",
            facilitator=other.steering_member,
            participants=[*members(c, 3), other.member],
        )

    assert set(caught.value.message_dict) == {"facilitator", "participants"}


def test_a_member_who_left_the_partnership_cannot_be_chosen() -> None:
    c = cast()
    people = members(c, 4)
    people[0].left_on = timezone.localdate()
    people[0].save()

    with pytest.raises(ValidationError) as caught:
        services.create_group(
            c.partnership, by=c.manager.user, name="G", facilitator=c.steering_member, participants=people
        )

    assert "participants" in caught.value.message_dict


def test_group_names_are_unique_within_the_partnership() -> None:
    c = cast()
    intervision(c, name="Intervisie")

    with pytest.raises(ValidationError) as caught:
        intervision(c, name=" intervisie ")

    assert "name" in caught.value.message_dict


def test_setting_up_a_group_gives_the_partnership_the_default_methods() -> None:
    c = cast()

    intervision(c)

    assert Method.objects.filter(partnership=c.partnership).count() == len(services.DEFAULT_METHODS)


def test_a_participant_leaves_loses_nothing_of_the_history_and_the_group_stops_holding_new_sessions() -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member)

    services.leave_group(group, member=c.member)

    assert Participant.objects.current().filter(group=group).count() == 3
    assert Participant.objects.get(group=group, member=c.member).left_on == timezone.localdate()
    session.refresh_from_db()
    assert session.case_contributor == c.member and session.notes
    with pytest.raises(ValidationError) as caught:
        held(group, c.worker.user, c.worker)
    assert "needs at least 4" in caught.value.messages[0]
    assert IntervisionSession.objects.count() == 1
    # A past session can still be completed, and keeps the contributor who has left.
    services.save_session(
        group,
        by=c.worker.user,
        session=session,
        held_on=session.held_on,
        case_contributor=c.member,
        method=session.method,
        notes="Aangevuld",
    )
    assert IntervisionSession.objects.get().notes == "Aangevuld"


def test_leaving_tells_the_facilitator(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    group = intervision(c)

    with pytest.raises(ValidationError):
        services.leave_group(group, member=c.manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_group(group, member=c.member)

    notification = Notification.objects.get(recipient=c.steering_member.user)
    # In the facilitator's own language (Dutch, the default), whatever the language of the request.
    assert "geen nieuwe bijeenkomsten" in notification.message


def test_the_facilitator_refills_the_group_and_a_leaver_can_come_back() -> None:
    c = cast()
    group = intervision(c)
    services.leave_group(group, member=c.member)
    current = [p.member for p in services.current_participants(group)]

    with pytest.raises(ValidationError) as caught:
        services.change_membership(group, participants=current, facilitator=c.steering_member)
    assert "you chose 3" in caught.value.message_dict["participants"][0]

    services.change_membership(group, participants=[*current, c.member], facilitator=c.steering_member)

    assert Participant.objects.filter(group=group, member=c.member).count() == 2
    assert Participant.objects.current().filter(group=group).count() == 4
    held(group, c.member.user, c.member)


def test_membership_changes_keep_the_facilitator_out_of_the_participants() -> None:
    c = cast()
    group = intervision(c)
    current = [p.member for p in services.current_participants(group)]

    with pytest.raises(ValidationError) as caught:
        services.change_membership(group, participants=current, facilitator=c.member)

    assert "facilitator" in caught.value.message_dict
    group.refresh_from_db()
    assert group.facilitator == c.steering_member


def test_taking_someone_off_ends_their_participation_today() -> None:
    c = cast()
    group = intervision(c, extra=3)
    current = [p.member for p in services.current_participants(group)]

    services.change_membership(group, participants=[m for m in current if m != c.worker], facilitator=c.manager)

    assert Participant.objects.get(group=group, member=c.worker).left_on == timezone.localdate()
    group.refresh_from_db()
    assert group.facilitator == c.manager


def test_the_case_contributor_is_a_current_participant() -> None:
    c = cast()
    group = intervision(c)

    for outsider in (c.steering_member, c.manager, join(c.partnership)):
        with pytest.raises(ValidationError) as caught:
            held(group, c.member.user, outsider)
        assert "case_contributor" in caught.value.message_dict


def test_a_session_needs_a_date_and_a_method_of_the_partnership() -> None:
    c, other = cast(), cast()
    group = intervision(c)
    intervision(other)
    foreign = Method.objects.filter(partnership=other.partnership).first()

    with pytest.raises(ValidationError) as caught:
        services.save_session(group, by=c.member.user, held_on=None, case_contributor=c.member, method=foreign)

    assert set(caught.value.message_dict) == {"held_on", "method"}


def test_methods_are_archived_not_deleted_so_past_sessions_keep_theirs() -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member)
    used = session.method

    services.save_methods(c.partnership, names=["Socratisch gesprek", "Nieuwe methode"])

    used.refresh_from_db()
    assert not used.is_active
    assert IntervisionSession.objects.get().method == used
    assert list(Method.objects.filter(partnership=c.partnership).active().values_list("name", flat=True)) == [
        "Socratisch gesprek",
        "Nieuwe methode",
    ]
    with pytest.raises(ValidationError) as caught:
        services.save_session(
            group, by=c.member.user, held_on=timezone.localdate(), case_contributor=c.member, method=used
        )
    assert "method" in caught.value.message_dict


@pytest.mark.parametrize(
    ("names", "message"),
    [([], "at least one"), (["  ", ""], "at least one"), (["Balint", "balint"], "twice"), (["x" * 121], "under 120")],
)
def test_a_bad_list_of_methods_is_refused_at_the_field(names: list[str], message: str) -> None:
    c = cast()

    with pytest.raises(ValidationError) as caught:
        services.save_methods(c.partnership, names=names)

    assert message in caught.value.message_dict["methods"][0]


def test_the_audit_log_records_changes_to_a_session_but_never_what_was_said() -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member, work_question="GEHEIME VRAAG", notes="GEHEIME NOTITIE")
    services.save_session(
        group,
        by=c.member.user,
        session=session,
        held_on=session.held_on - datetime.timedelta(days=1),
        case_contributor=c.member,
        method=session.method,
        work_question="ANDERE VRAAG",
        notes="ANDERE NOTITIE",
    )

    entries = list(AuditLogEntry.objects.filter(object_id=str(session.pk), content_type__model="intervisionsession"))
    assert {e.action for e in entries} == {AuditAction.CREATE, AuditAction.UPDATE}
    update = next(e for e in entries if e.action == AuditAction.UPDATE)
    assert update.changes["notes"] == [SENSITIVE_MARK, SENSITIVE_MARK]
    assert update.changes["work_question"] == [SENSITIVE_MARK, SENSITIVE_MARK]
    logged = repr([(e.changes, e.object_repr) for e in AuditLogEntry.objects.all()])
    assert "GEHEIM" not in logged and "ANDERE" not in logged
