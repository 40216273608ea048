from .urls_learners import urlpatterns as learner_patterns
from .urls_lists import urlpatterns as list_patterns
from .urls_work import urlpatterns as work_patterns

app_name = "trajectories"

urlpatterns = [*learner_patterns, *work_patterns, *list_patterns]
