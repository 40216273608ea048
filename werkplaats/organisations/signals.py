from django.dispatch import Signal

# Sent inside the accepting transaction with ``invitation`` and ``user``, after the membership
# exists. Listeners act on ``invitation.context`` (for example to link a learner record).
invitation_accepted = Signal()
