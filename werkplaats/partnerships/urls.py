from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.partnership_list, name="list"),
    path("partnerships/new/", views.found, name="found"),
    path("partnerships/<slug:slug>/", views.detail, name="detail"),
    path("partnerships/<slug:slug>/edit/", views.edit, name="edit"),
    path("partnerships/<slug:slug>/members/", views.members, name="members"),
    path("partnerships/<slug:slug>/partners/add/", views.partner_add, name="partner-add"),
    path("partnerships/<slug:slug>/partners/<int:pk>/end/", views.partner_end, name="partner-end"),
    path("partnerships/<slug:slug>/members/add/", views.member_add, name="member-add"),
    path("partnerships/<slug:slug>/members/<int:pk>/", views.member_edit, name="member-edit"),
    path("partnerships/<slug:slug>/members/<int:pk>/leave/", views.member_end, name="member-end"),
]
