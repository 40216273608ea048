from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from werkplaats.accounts.models import User

PASSWORD = "kalibreer-de-draaibank-7"


class UserFactory(DjangoModelFactory[User]):
    """A person who can log in with ``PASSWORD``."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.nl")
    name = factory.Sequence(lambda n: f"Person {n}")
    language = "nl"
    password = PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)
