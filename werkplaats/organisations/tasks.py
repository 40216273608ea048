from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Invitation


@task()
def send_invitation_email(invitation_id: int, token: str) -> bool:
    """E-mail the invitation link, in the language chosen for the invitee."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
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
