from __future__ import annotations

app_name = "stakeholders"

urlpatterns: list = []
