from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.audit.context import acting_as, system_actor
from werkplaats.demo.services import load_demo


class Command(BaseCommand):
    help = "Load the demo region (Groningen, plus Drenthe). Running it again changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(system_actor("load_demo")):
            summary = load_demo()
        self.stdout.write(
            f"demo: {summary.organisations_created} organisations, {summary.users_created} users, "
            f"{summary.memberships_changed} memberships added, {summary.qualifications_added} qualifications added, "
            f"{summary.places_set} locations set, {summary.recognitions_added} recognitions added, "
            f"{summary.trajectories_added} trajectories added, "
            f"{'2 partnerships' if summary.partnerships_added else 'no partnerships'} added"
        )
