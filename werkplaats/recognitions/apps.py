from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionsConfig(AppConfig):
    name = "werkplaats.recognitions"
    verbose_name = _("Recognised learning companies")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from .models import LearningCompany, Recognition

        register(Recognition, organisation=lambda r: r.employer_id)
        register(LearningCompany, organisation=lambda c: c.employer_id)

        from .views_search import connect_near_places

        connect_near_places()
