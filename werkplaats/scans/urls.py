from __future__ import annotations

app_name = "scans"

urlpatterns: list = []
