"""Log-ins, log-outs and failed log-ins go to the audit log too."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from werkplaats.core.net import client_address

from .context import Actor, acting_as
from .models import Action
from .recorder import record


@receiver(user_logged_in, dispatch_uid="werkplaats_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with acting_as(Actor(user=user, label=user.email, ip_address=client_address(request) if request else None)):
        record(Action.LOGIN, user)


@receiver(user_logged_out, dispatch_uid="werkplaats_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with acting_as(Actor(user=user, label=user.email, ip_address=client_address(request) if request else None)):
            record(Action.LOGOUT, user)


@receiver(user_login_failed, dispatch_uid="werkplaats_audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Record which address was tried, never the password.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:200]
    with acting_as(Actor(label="anonymous", ip_address=client_address(request) if request else None)):
        record(Action.LOGIN_FAILED, object_repr=tried)
