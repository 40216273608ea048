from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "werkplaats.steering"
    verbose_name = _("Steering")
