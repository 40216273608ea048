from django.dispatch import Signal

# Sent inside the transaction that ends a partnership with an organisation, after its
# representatives were unlinked: partnership, partner, by. Agreements waiting only for that
# partner's signature come into force on it.
partner_left = Signal()
