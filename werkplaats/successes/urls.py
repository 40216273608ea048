from __future__ import annotations

app_name = "successes"

urlpatterns: list = []
