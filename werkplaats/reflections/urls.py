from __future__ import annotations

app_name = "reflections"

urlpatterns: list = []
