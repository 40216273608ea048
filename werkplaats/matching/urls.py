from django.urls import path

from . import round_views, views

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
    path("matching/rounds/", round_views.round_list, name="rounds"),
    path("matching/rounds/add/", round_views.round_add, name="round-add"),
    path("matching/rounds/<int:pk>/", round_views.round_detail, name="round"),
    path("matching/rounds/<int:pk>/collect/", round_views.round_collect, name="round-collect"),
    path("matching/rounds/<int:pk>/compute/", round_views.round_compute, name="round-compute"),
    path("matching/rounds/<int:pk>/publish/", round_views.round_publish, name="round-publish"),
    path("matching/rounds/<int:pk>/learners/<int:learner>/", round_views.round_learner, name="round-learner"),
    path(
        "matching/rounds/<int:pk>/learners/<int:learner>/remove/",
        round_views.round_learner_remove,
        name="round-learner-remove",
    ),
    path("matching/rounds/<int:pk>/places/<int:place>/", round_views.round_place, name="round-place"),
    path(
        "matching/rounds/<int:pk>/places/<int:place>/remove/", round_views.round_place_remove, name="round-place-remove"
    ),
]
