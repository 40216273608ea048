from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoriesConfig(AppConfig):
    name = "werkplaats.trajectories"
    verbose_name = _("Trajectories")

    def ready(self) -> None:
        from werkplaats.audit.registry import register

        from . import hooks, models, regions

        register(models.Learner, sensitive={"support_needs"}, organisation=lambda o: o.organisation_id)
        register(models.Trajectory, exclude={"version"}, organisation=lambda o: o.learner.organisation_id)
        for model in (
            models.FundingSource,
            models.LearningPlanVersion,
            models.PracticeHours,
            models.ProgressReview,
            models.WorkProcessAssessment,
            models.EvidenceFile,
            models.LogEntry,
        ):
            register(model, organisation=lambda o: o.trajectory.learner.organisation_id)
        register(models.PlanApproval, organisation=lambda o: o.version.trajectory.learner.organisation_id)
        hooks.connect()
        regions.connect()
