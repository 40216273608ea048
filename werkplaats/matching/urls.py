from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("matching/trajectories/<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("matching/trajectories/<int:pk>/preferences/", views.preferences, name="preferences"),
    path("matching/trajectories/<int:pk>/propose/<int:place>/", views.propose, name="propose"),
    path("matching/requests/<int:pk>/", views.request_detail, name="request"),
    path("matching/requests/<int:pk>/answer/", views.decide, name="decide"),
    path("matching/requests/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("matching/employers/<slug:slug>/requests/", views.incoming, name="incoming"),
    path("matching/employers/<slug:slug>/places/", views.places, name="places"),
    path("matching/employers/<slug:slug>/places/add/", views.place_edit, name="place-add"),
    path("matching/employers/<slug:slug>/places/<int:pk>/", views.place_edit, name="place-edit"),
    path("matching/capacity/", views.capacity, name="capacity"),
    path("matching/capacity.csv", views.capacity_csv, name="capacity-csv"),
]
