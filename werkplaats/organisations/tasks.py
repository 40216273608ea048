from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Invitation


@task()
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link, in the language chosen for the invitee.

    The token is issued here, so the queue never holds it. Should the task run twice, the
    second e-mail carries a new link and the first link stops working: never two valid links.
    """
    from .services import issue_invitation_token

    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None:
        return False
    token = issue_invitation_token(invitation)
    if token is None:
        return False
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "url": settings.WERKPLAATS_BASE_URL.rstrip("/") + reverse("organisations:accept-invitation", args=[token]),
            "inviter": invitation.invited_by,
        }
        subject = render_to_string("organisations/email/invitation_subject.txt", context).strip()
        body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True
