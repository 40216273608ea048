"""A new facilitator, appointed by the partnership's manager when the old one left or no longer fits:
the rules of setting a group up, access that moves at once, a notification, an audit entry, and a
manager who still never sees what is said in the group."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.audit.models import Action as AuditAction
from werkplaats.audit.models import AuditLogEntry
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.models import PartnershipMember
from werkplaats.partnerships.tests.factories import Cast, cast, join

from .. import services
from ..models import IntervisionGroup
from .helpers import held, intervision

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in the source language


def client(user: Any) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    c = Client()
    c.force_login(user)
    return c


def url(c: Cast, name: str, **kwargs: Any) -> str:
    return reverse(f"intervision:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


def facilitated_by_another(c: Cast, name: str) -> IntervisionGroup:
    """A second group, with another facilitator than ``intervision``'s."""
    return services.create_group(
        c.partnership,
        by=c.manager.user,
        name=name,
        facilitator=join(c.partnership),
        participants=[join(c.partnership) for _ in range(4)],
    )


def leave_partnership(member: PartnershipMember) -> None:
    member.left_on = timezone.localdate() - datetime.timedelta(days=1)
    member.save(update_fields=["left_on"])


def sees_sessions(member: PartnershipMember, group: IntervisionGroup) -> bool:
    return IntervisionGroup.objects.with_access(member.user).filter(pk=group.pk).exists()


# --- The service ----------------------------------------------------------------------------


def test_a_group_whose_facilitator_left_gets_a_new_one(django_capture_on_commit_callbacks: Any) -> None:
    c = cast()
    group = intervision(c)
    old = c.steering_member
    leave_partnership(old)
    new = join(c.partnership)
    assert list(IntervisionGroup.objects.without_active_facilitator()) == [group]

    with django_capture_on_commit_callbacks(execute=True):
        services.replace_facilitator(group, by=c.manager.user, facilitator=new)

    group.refresh_from_db()
    assert group.facilitator == new and group.has_active_facilitator
    assert not IntervisionGroup.objects.without_active_facilitator().exists()
    assert sees_sessions(new, group)
    notification = Notification.objects.get(recipient=new.user)
    assert group.name in notification.message and notification.url == group.get_absolute_url()
    # The old facilitator left the partnership: nothing to tell them here.
    assert not Notification.objects.filter(recipient=old.user).exists()


def test_a_facilitator_who_no_longer_fits_loses_access_at_once_and_is_told(
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member)
    old, new = c.steering_member, join(c.partnership)
    assert sees_sessions(old, group)

    with django_capture_on_commit_callbacks(execute=True):
        services.replace_facilitator(group, by=c.manager.user, facilitator=new)

    assert not sees_sessions(old, group)
    group.refresh_from_db()
    assert not services.has_access(_access(old), group)
    assert session in list(type(session).objects.visible_to(new.user))
    assert session not in list(type(session).objects.visible_to(old.user))
    assert Notification.objects.filter(recipient=old.user).count() == 1
    assert Notification.objects.filter(recipient=new.user).count() == 1


def _access(member: PartnershipMember) -> Any:
    from werkplaats.partnerships.access import partnership_access

    request: Any = type("R", (), {"user": member.user})()
    return partnership_access(request, member.partnership.slug)


def test_the_change_of_facilitator_is_audited() -> None:
    c = cast()
    group = intervision(c)
    old, new = c.steering_member, join(c.partnership)

    services.replace_facilitator(group, by=c.manager.user, facilitator=new)

    entry = AuditLogEntry.objects.get(
        action=AuditAction.UPDATE, content_type__model="intervisiongroup", object_id=str(group.pk)
    )
    assert entry.changes == {"facilitator_id": [old.pk, new.pk]}


def _refusal(c: Cast, group: IntervisionGroup, who: str) -> str:
    other = cast()
    left = join(c.partnership)
    leave_partnership(left)
    inactive = join(c.partnership)
    inactive.user.is_active = False
    inactive.user.save(update_fields=["is_active"])
    facilitator = {
        "nobody": None,
        "a participant": c.member,
        "the current facilitator": c.steering_member,
        "the manager who appoints": c.manager,
        "a member of another partnership": other.steering_member,
        "a member who left": left,
        "a member who can no longer log in": inactive,
    }[who]
    with pytest.raises(ValidationError) as caught:
        services.replace_facilitator(group, by=c.manager.user, facilitator=facilitator)
    assert list(caught.value.message_dict) == ["facilitator"]
    return caught.value.message_dict["facilitator"][0]


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("nobody", "Choose the new facilitator"),
        ("a participant", "takes part in this group"),
        ("the current facilitator", "already facilitates this group"),
        ("the manager who appoints", "You cannot appoint yourself"),
        ("a member of another partnership", "from the members of the partnership"),
        ("a member who left", "from the members of the partnership"),
        ("a member who can no longer log in", "from the members of the partnership"),
    ],
)
def test_the_new_facilitator_follows_the_rules_and_nothing_changes_otherwise(who: str, message: str) -> None:
    c = cast()
    group = intervision(c)

    assert message in _refusal(c, group, who)

    group.refresh_from_db()
    assert group.facilitator == c.steering_member
    assert not AuditLogEntry.objects.filter(action=AuditAction.UPDATE, content_type__model="intervisiongroup").exists()


def test_a_group_below_the_minimum_size_still_gets_a_new_facilitator() -> None:
    c = cast()
    group = intervision(c)
    services.leave_group(group, member=c.member)
    new = join(c.partnership)

    services.replace_facilitator(group, by=c.manager.user, facilitator=new)

    group.refresh_from_db()
    assert group.facilitator == new


# --- The pages ------------------------------------------------------------------------------


def test_the_manager_sees_groups_without_a_facilitator_by_name_and_size_only() -> None:
    c = cast()
    group = intervision(c, name="Intervisie zonder begeleider")
    facilitated_by_another(c, "Intervisie met begeleider")
    held(group, c.member.user, c.member, work_question="GEHEIME VRAAG", notes="GEHEIME NOTITIE")
    leave_partnership(c.steering_member)

    page = client(c.manager.user).get(url(c, "list")).content.decode()

    section = page.split('id="without-facilitator-heading"')[1].split("</section>")[0]
    assert "Intervisie zonder begeleider" in section and "Intervisie met begeleider" not in section
    assert '<td class="utrecht-table__cell">4</td>' in section
    assert url(c, "facilitator", pk=group.pk) in section
    assert "GEHEIM" not in page
    assert c.member.user.name not in section


def test_other_members_see_no_such_section_and_cannot_open_the_page() -> None:
    c = cast()
    group = intervision(c)
    leave_partnership(c.steering_member)
    page = url(c, "facilitator", pk=group.pk)

    for user in (c.member.user, c.worker.user, join(c.partnership).user):
        browser = client(user)
        assert "without-facilitator-heading" not in browser.get(url(c, "list")).content.decode()
        assert browser.get(page).status_code == 404
        assert browser.post(page, {"facilitator": c.member.pk}).status_code == 404
    active = facilitated_by_another(c, "Nog begeleid")
    facilitator = client(active.facilitator.user)
    assert facilitator.get(url(c, "facilitator", pk=active.pk)).status_code == 404
    assert client(c.outsider).get(page).status_code == 404
    assert client(cast().manager.user).get(page).status_code == 404
    group.refresh_from_db()
    assert group.facilitator == c.steering_member


def test_the_manager_replaces_the_facilitator_and_still_cannot_read_the_notes(
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = cast()
    group = intervision(c)
    session = held(group, c.member.user, c.member, notes="Wat hier gezegd wordt, blijft hier")
    old, new = c.steering_member, join(c.partnership)
    manager = client(c.manager.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(url(c, "facilitator", pk=group.pk), {"facilitator": new.pk})

    assert response.status_code == 302 and response["Location"] == url(c, "list")
    group.refresh_from_db()
    assert group.facilitator == new
    assert Notification.objects.filter(recipient=new.user, url=group.get_absolute_url()).exists()
    session_page = url(c, "session", group=group.pk, pk=session.pk)
    for page in (url(c, "group", pk=group.pk), session_page, url(c, "session-edit", group=group.pk, pk=session.pk)):
        assert manager.get(page).status_code == 404, page
        assert client(old.user).get(page).status_code == 404, page
    assert "Wat hier gezegd wordt" not in manager.get(url(c, "list")).content.decode()
    new_view = client(new.user).get(session_page)
    assert new_view.status_code == 200 and "Wat hier gezegd wordt, blijft hier" in new_view.content.decode()
    assert client(new.user).get(url(c, "membership", pk=group.pk)).status_code == 200


def test_the_form_refuses_bad_choices_at_the_field() -> None:
    c = cast()
    group = intervision(c)
    browser = client(c.manager.user)
    page = url(c, "facilitator", pk=group.pk)

    opened = browser.get(page)
    assert opened.status_code == 200 and "Participants" in opened.content.decode()

    for data, message in [
        ({"facilitator": c.member.pk}, "takes part in this group"),
        ({"facilitator": c.manager.pk}, "You cannot appoint yourself"),
        ({"facilitator": "999999"}, "Choose a facilitator from the members of the partnership."),
        ({"facilitator": "abc"}, "Choose a facilitator from the members of the partnership."),
        ({"facilitator": ""}, "Choose the new facilitator."),
    ]:
        response = browser.post(page, data)
        content = response.content.decode()
        assert response.status_code == 200, data
        assert message in content and "facilitator_error" in content, data
    group.refresh_from_db()
    assert group.facilitator == c.steering_member


def test_a_participant_is_told_when_the_group_has_no_facilitator() -> None:
    c = cast()
    group = intervision(c)
    leave_partnership(c.steering_member)

    page = client(c.member.user).get(url(c, "group", pk=group.pk)).content.decode()

    assert "The partnership's manager appoints a new facilitator" in page
    assert url(c, "facilitator", pk=group.pk) not in page
