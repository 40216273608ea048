"""Pages of the batch matching rounds. Every page reads the round through ``MatchingRound.visible_to``; the
coordinator's actions check ``rounds.runs``, rankings ``can_rank_learner`` and ``can_answer_for``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from werkplaats.audit.recorder import record_view
from werkplaats.core.forms import add_validation_error
from werkplaats.organisations.access import get_access
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories.models import Trajectory

from . import rounds
from .models import (
    EMPLOYER_ROLES,
    ChoiceNote,
    MatchingRound,
    Outcome,
    RoundLearner,
    RoundPlace,
)
from .round_forms import CapacityForm, EmployerAnswerForm, LearnerRankingForm, RoundForm
from .views import _posted

T = TypeVar("T")


def _round(request: HttpRequest, pk: int) -> MatchingRound:
    return get_object_or_404(MatchingRound.objects.visible_to(request.user).select_related("region"), pk=pk)


def _attempt(request: HttpRequest, action: Callable[[], T]) -> T | None:
    """Run one of the coordinator's actions; a refusal (a closed round, a stale proposal) becomes the message
    the coordinator reads on the round's page."""
    try:
        return action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


def _run_round(request: HttpRequest, pk: int) -> MatchingRound:
    matching_round = _round(request, pk)
    if not rounds.runs(request.user, matching_round):
        raise PermissionDenied
    return matching_round


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    visible = (
        MatchingRound.objects.visible_to(request.user)
        .select_related("region")
        .annotate(n_learners=Count("learners", distinct=True), n_places=Count("places", distinct=True))
    )
    return render(
        request,
        "matching/rounds/list.html",
        {"rounds": visible, "can_create": rounds.coordinator_regions(request.user).exists()},
    )


@login_required
def round_add(request: HttpRequest) -> HttpResponse:
    regions = rounds.coordinator_regions(request.user)
    if not regions.exists():
        raise PermissionDenied
    form = RoundForm(_posted(request), regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            matching_round = rounds.create_round(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The round is created with %(learners)d learners and %(places)d places.")
                % {"learners": matching_round.learners.count(), "places": matching_round.places.count()},
            )
            return redirect(matching_round)
    return render(request, "matching/rounds/form.html", {"form": form})


def _learner_rows(matching_round: MatchingRound, user: Any, everything: bool) -> list[Any]:
    rows = (
        RoundLearner.objects.filter(round=matching_round)
        .select_related(
            "trajectory__learner",
            "trajectory__qualification",
            "trajectory__consultant",
            "proposed__place__employer",
            "optimal__place__employer",
        )
        .annotate(n_choices=Count("choices"))
    )
    if not everything:
        rows = rows.filter(trajectory__in=Trajectory.objects.visible_to(user))
    return list(rows)


def _place_rows(matching_round: MatchingRound, user: Any, everything: bool) -> list[Any]:
    rows = (
        RoundPlace.objects.filter(round=matching_round)
        .select_related("place__employer")
        .annotate(
            n_candidates=Count("choices", distinct=True),
            n_answers=Count("answers", distinct=True),
        )
    )
    if not everything:
        rows = rows.filter(place__employer_id__in=get_access(user).organisation_ids(*EMPLOYER_ROLES))
    found: list[Any] = list(rows)
    names = dict(Qualification.objects.filter(crebo__in={p.place.crebo for p in found}).values_list("crebo", "name"))
    for p in found:
        p.qualification_name = names.get(p.place.crebo, "")
    return found


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = _round(request, pk)
    runs = rounds.runs(request.user, matching_round)
    learners = _learner_rows(matching_round, request.user, runs)
    places = _place_rows(matching_round, request.user, runs)
    # Others than the coordinator see the result once it is published.
    show_result = matching_round.computed_at is not None and (runs or not matching_round.is_open)
    comparison = matching_round.comparison or {}
    # What a place is says nothing about people: every ranked place is named, also to a consultant who sees
    # only their own learners and places.
    by_pk = {p.pk: p for p in RoundPlace.objects.filter(round=matching_round).select_related("place__employer")}
    for ln in learners:
        ln.explained = [(by_pk.get(place_id), ChoiceNote(code).label) for place_id, code in ln.notes]
        ranks = [place_id for place_id, _code in ln.notes]
        ln.matched_rank = ranks.index(ln.proposed_id) + 1 if ln.proposed_id in ranks else None
    return render(
        request,
        "matching/rounds/detail.html",
        {
            "round": matching_round,
            "runs": runs,
            "learners": learners,
            "matched": [ln for ln in learners if ln.proposed_id is not None],
            "unmatched": [ln for ln in learners if ln.proposed_id is None],
            "places": places,
            "empty_places": [p for p in places if p.empty > 0 or p.note not in ("", "full")],
            "show_result": show_result,
            "comparison": comparison,
            "score_gain": comparison.get("optimal_score", 0) - comparison.get("stable_score", 0),
            "ranked": sum(1 for ln in learners if ln.n_choices),
            "answered": sum(1 for p in places if p.ranked_at is not None),
            "seats": sum(p.capacity for p in places),
            "ChoiceNote": ChoiceNote,
        },
    )


@require_POST
@login_required
def round_collect(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = _run_round(request, pk)
    added = _attempt(request, lambda: rounds.collect(matching_round))
    if added is not None:
        learners, places = added
        messages.success(
            request,
            _("Lists brought up to date: %(learners)s and %(places)s added.")
            % {
                "learners": ngettext("%(n)d learner", "%(n)d learners", learners) % {"n": learners},
                "places": ngettext("%(n)d place", "%(n)d places", places) % {"n": places},
            },
        )
    return redirect(matching_round)


@require_POST
@login_required
def round_compute(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = _run_round(request, pk)
    result = _attempt(request, lambda: rounds.compute(matching_round, by=request.user))
    if result is not None:
        messages.success(
            request,
            _(
                "The proposal is computed: %(matched)d matched, %(unmatched)d without a place, %(empty)d places "
                "empty. Review it, then publish."
            )
            % {"matched": result.matched, "unmatched": result.unmatched, "empty": result.empty_places},
        )
    return redirect(f"{matching_round.get_absolute_url()}#result")


@require_POST
@login_required
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = _run_round(request, pk)
    published = _attempt(request, lambda: rounds.publish(matching_round, by=request.user))
    if published is not None:
        messages.success(
            request,
            ngettext(
                "The round is published: %(matched)d placement waits for its consultant's confirmation; the "
                "consultants and employers are told.",
                "The round is published: %(matched)d placements wait for their consultant's confirmation; the "
                "consultants and employers are told.",
                published.matched,
            )
            % {"matched": published.matched},
        )
    return redirect(matching_round)


def _round_learner(request: HttpRequest, pk: int, learner: int) -> RoundLearner:
    """A learner of a visible round whose trajectory the user sees (else 404)."""
    matching_round = _round(request, pk)
    return get_object_or_404(
        RoundLearner.objects.filter(
            round=matching_round, trajectory__in=Trajectory.objects.visible_to(request.user)
        ).select_related(
            "round__region",
            "trajectory__learner__organisation",
            "trajectory__qualification",
            "trajectory__consultant",
            "proposed__place__employer",
        ),
        pk=learner,
    )


@login_required
def round_learner(request: HttpRequest, pk: int, learner: int) -> HttpResponse:
    row = _round_learner(request, pk, learner)
    may_rank = rounds.can_rank_learner(request.user, row)
    if not may_rank:
        raise PermissionDenied
    trajectory = row.trajectory
    record_view(request, trajectory, subject_organisation_id=trajectory.learner.organisation_id)
    places = list(rounds.places_for(row))
    editable = row.round.is_open
    form = LearnerRankingForm(_posted(request) if editable else None, learner=row, places=places)
    if request.method == "POST" and editable and form.is_valid():
        try:
            count = rounds.save_learner_ranking(row, form.ranks(), by=request.user)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, ngettext("%(n)d place is ranked.", "%(n)d places are ranked.", count) % {"n": count}
            )
            return redirect("matching:round-learner", pk=pk, learner=row.pk)
    notes = {place_id: ChoiceNote(code).label for place_id, code in row.notes}
    show_result = row.round.computed_at is not None and (rounds.runs(request.user, row.round) or not row.round.is_open)
    return render(
        request,
        "matching/rounds/learner.html",
        {
            "round": row.round,
            "row": row,
            "trajectory": trajectory,
            "form": form,
            "editable": editable,
            "notes": notes if show_result else {},
            "show_result": show_result,
            "outcome": Outcome(row.outcome).label if row.outcome and show_result else "",
        },
    )


@login_required
def round_place(request: HttpRequest, pk: int, place: int) -> HttpResponse:
    matching_round = _round(request, pk)
    row = get_object_or_404(
        RoundPlace.objects.filter(round=matching_round)
        .select_related("round__region", "place__employer")
        .prefetch_related("answers"),
        pk=place,
    )
    if not rounds.can_answer_for(request.user, row):
        raise PermissionDenied
    runs = rounds.runs(request.user, matching_round)
    candidates = list(rounds.candidates_for(row))
    editable = matching_round.is_open
    form = EmployerAnswerForm(
        _posted(request) if editable and "answers" in request.POST else None, place=row, candidates=candidates
    )
    capacity_form = CapacityForm(
        _posted(request) if editable and runs and "capacity" in request.POST else None,
        initial={"capacity": row.capacity},
    )
    if request.method == "POST" and editable:
        if "answers" in request.POST and form.is_valid():
            try:
                ranked, declined = rounds.save_employer_answers(row, form.answers(), by=request.user)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Your answers are saved: %(ranked)d ranked, %(declined)d not acceptable.")
                    % {"ranked": ranked, "declined": declined},
                )
                return redirect("matching:round-place", pk=pk, place=row.pk)
        elif runs and "capacity" in request.POST and capacity_form.is_valid():
            try:
                rounds.set_capacity(row, capacity_form.cleaned_data["capacity"], by=request.user)
            except ValidationError as exc:
                add_validation_error(capacity_form, exc)
            else:
                messages.success(request, _("The number of places in this round is saved."))
                return redirect("matching:round-place", pk=pk, place=row.pk)
    scores, problem = rounds.candidate_scores(row, candidates)
    published = not matching_round.is_open
    return render(
        request,
        "matching/rounds/place.html",
        {
            "round": matching_round,
            "row": row,
            "form": form,
            "capacity_form": capacity_form,
            "editable": editable,
            "runs": runs,
            "scores": scores,
            "problem": problem,
            "matched_ids": set(row.matched.values_list("pk", flat=True)) if published or runs else set(),
            "show_result": matching_round.computed_at is not None and (runs or published),
        },
    )


@require_POST
@login_required
def round_learner_remove(request: HttpRequest, pk: int, learner: int) -> HttpResponse:
    matching_round = _run_round(request, pk)
    row = get_object_or_404(RoundLearner.objects.filter(round=matching_round).select_related("round"), pk=learner)
    if _attempt(request, lambda: rounds.remove_learner(row, by=request.user) or True):  # True: it was done
        messages.success(request, _("The learner is taken out of the round."))
    return redirect(matching_round)


@require_POST
@login_required
def round_place_remove(request: HttpRequest, pk: int, place: int) -> HttpResponse:
    matching_round = _run_round(request, pk)
    row = get_object_or_404(RoundPlace.objects.filter(round=matching_round).select_related("round"), pk=place)
    if _attempt(request, lambda: rounds.remove_place(row, by=request.user) or True):  # True: it was done
        messages.success(request, _("The place is taken out of the round."))
    return redirect(matching_round)
