from __future__ import annotations

from django.urls import path

from . import views

app_name = "stakeholders"

BASE = "partnerships/<slug:slug>/stakeholders/"

urlpatterns = [
    path(BASE, views.map_page, name="map"),
    path(f"{BASE}add/", views.stakeholder_add, name="add"),
    path(f"{BASE}<int:pk>/", views.stakeholder_detail, name="detail"),
    path(f"{BASE}<int:pk>/edit/", views.stakeholder_edit, name="edit"),
    path(f"{BASE}<int:pk>/remove/", views.stakeholder_remove, name="remove"),
    path(f"{BASE}relations/add/", views.relation_add, name="relation-add"),
    path(f"{BASE}relations/<int:pk>/", views.relation_edit, name="relation-edit"),
    path(f"{BASE}relations/<int:pk>/remove/", views.relation_remove, name="relation-remove"),
    path(f"{BASE}tensions/add/", views.tension_add, name="tension-add"),
    path(f"{BASE}tensions/<int:pk>/", views.tension_edit, name="tension-edit"),
    path(f"{BASE}export/kumu.xlsx", views.export_xlsx, name="export-xlsx"),
    path(f"{BASE}export/elements.csv", views.export_elements, name="export-elements"),
    path(f"{BASE}export/connections.csv", views.export_connections, name="export-connections"),
]
