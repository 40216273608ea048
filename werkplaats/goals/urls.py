from __future__ import annotations

app_name = "goals"

urlpatterns: list = []
