"""Post hostile and random data to every form of the project.

The forms are found by walking the URL patterns the way ``tests/test_url_access.py`` does (its
world, its ``KWARGS`` for the parameters, its ``RESTRICTED`` for the user who may open a page):
each page is opened by that user, and every form and formset in the page's context is fuzzed
with hypothesis, field by field: unicode with NUL and right-to-left marks, huge strings, wrong
types, values of the wrong kind for the field, missing fields, files of random bytes, and the
same submission twice. Actions that only take a POST (405 on GET) get random fields.

Two things must hold for every submission:
- never a server error (5xx, or an exception out of the view);
- a rejected submission (anything but a redirect) leaves every table as it was: equal row
  counts before and after, apart from the append-only logs that record the attempt itself.

The management site (Django's admin) is left out: its forms are Django's own.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_url_access import (
    EXCLUDED,
    PUBLIC,
    RESTRICTED,
    ROUTES,
    Route,
    World,
    _kwargs_for,
    _url,
    world,  # noqa: F401  (the fixture)
)

# Rows written by every request, accepted or not, on purpose: the audit log records who tried to
# see or change what (also a refused attempt), sessions are the login itself.
LOG_TABLES = {"audit_auditlogentry", "django_session"}

# Values no form expects: control characters, text direction overrides, markup, spreadsheet
# formulas, numbers out of every range, impossible dates, very long text.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\u200f\u200e\u2066x\u2069",
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    '=HYPERLINK("http://x")',
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "-" + "9" * 40,
    "2026-02-30",
    "31-12-99999",
    "00:99",
    "\ud7ff\ue000\U0010ffff",
    "x" * 100_000,
    "💥" * 5_000,
    "null",
    "[]",
    "{}",
    "true",
]

hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
FILE_NAMES = ["bewijs.pdf", "a\u202efdp.exe", "../../etc/passwd", "x" * 300 + ".pdf", "leeg", "plan.xlsx"]
files = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(FILE_NAMES),
    st.one_of(st.binary(max_size=200), st.just(b"%PDF-1.4\n%%EOF\n"), st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)),
)


@dataclass
class FieldSpec:
    """One field of a form: its name in the POST, and the values that make sense for it."""

    name: str
    valid: list[Any] = field(default_factory=list)
    is_file: bool = False
    multiple: bool = False


@dataclass
class FormSpec:
    key: str
    url: str
    user: Any  # None: anonymous
    fields: list[FieldSpec]
    fixed: dict[str, Any]  # management-form values and other hidden parts, normally kept


def _choices(form_field: forms.Field) -> list[Any]:
    if isinstance(form_field, forms.ModelChoiceField):
        return [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:5]]
    if isinstance(form_field, forms.ChoiceField):
        values: list[Any] = []
        for value, label in form_field.choices:
            if isinstance(label, list | tuple):
                values += [inner for inner, _label in label]
            else:
                values.append(value)
        return [str(v) for v in values[:10]]
    return []


def _field_specs(form: forms.BaseForm) -> list[FieldSpec]:
    specs = []
    for name, form_field in form.fields.items():
        valid = _choices(form_field)
        initial = form.get_initial_for_field(form_field, name)
        if initial not in (None, "", []) and not callable(initial):
            valid.append(initial.pk if hasattr(initial, "pk") else initial)
        if isinstance(form_field, forms.BooleanField):
            valid += ["on", ""]
        specs.append(
            FieldSpec(
                name=form.add_prefix(name),
                valid=valid,
                is_file=isinstance(form_field, forms.FileField),
                multiple=isinstance(form_field, forms.MultipleChoiceField),
            )
        )
    return specs


def _context_values(response: Any) -> Iterator[Any]:
    contexts = response.context
    if contexts is None:
        return
    for context in contexts if isinstance(contexts, list) else [contexts]:
        yield from context.flatten().values()


def _forms_of(response: Any) -> tuple[list[FieldSpec], dict[str, Any]]:
    fields: dict[str, FieldSpec] = {}
    fixed: dict[str, Any] = {}
    for value in _context_values(response):
        found: list[forms.BaseForm] = []
        if isinstance(value, BaseFormSet):
            management = value.management_form
            fixed.update({management.add_prefix(n): management[n].value() for n in management.fields})
            found += list(value.forms)
        elif isinstance(value, forms.BaseForm):
            found.append(value)
        for form in found:
            for spec in _field_specs(form):
                fields.setdefault(spec.name, spec)
    return list(fields.values()), fixed


def _user_for(route: Route, w: World) -> Any:
    if route.key in PUBLIC:
        return None
    if route.key in RESTRICTED:
        return RESTRICTED[route.key](w)
    return w.consultant


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def discover(w: World) -> list[FormSpec]:
    """Every page of our own with a form (or a POST-only action), filled for organisation A."""
    found = []
    for route in ROUTES:
        if route.is_admin or route.key in EXCLUDED or route.key == "account_logout":
            continue
        kwargs = _kwargs_for(route)
        if kwargs is None:
            continue
        url = _url(route, kwargs(w))
        # The user the page is for; for pages that are not a consultant's, the other strong roles.
        for user in dict.fromkeys([_user_for(route, w), w.coordinator, w.admin, w.platform_admin]):
            response = _client(user).get(url)
            if response.status_code not in (403, 404) or route.key in PUBLIC:
                break
        if response.status_code == 405:
            found.append(FormSpec(route.key, url, user, [], {}))
            continue
        if response.status_code != 200:
            continue
        fields, fixed = _forms_of(response)
        if fields:
            found.append(FormSpec(route.key, url, user, fields, fixed))
    return found


def _row_counts() -> dict[str, int]:
    tables = sorted(set(connection.introspection.table_names()) - LOG_TABLES)
    quote = connection.ops.quote_name
    # The table names come from the database itself, quoted.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@st.composite
def submission(draw: st.DrawFn, spec: FormSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in spec.fixed.items():
        data[name] = draw(st.one_of(st.just(value), hostile_text)) if draw(st.booleans()) else value
    for f in spec.fields:
        kind = draw(st.sampled_from(["valid", "hostile", "missing", "list"]))
        if kind == "missing":
            continue
        if f.is_file:
            data[f.name] = draw(st.one_of(files, hostile_text))
        elif kind == "valid" and f.valid:
            picked = draw(st.sampled_from(f.valid))
            data[f.name] = [picked] if f.multiple else picked
        elif kind == "list":
            data[f.name] = draw(st.lists(st.one_of(hostile_text, st.sampled_from(f.valid or ["1"])), max_size=3))
        else:
            data[f.name] = draw(hostile_text)
    if draw(st.booleans()):  # where to go afterwards: many views read it beside the form
        data["next"] = draw(
            st.one_of(hostile_text, st.sampled_from(["/", "//evil.example", "javascript:x", "core:home"]))
        )
    if not spec.fields:  # a POST-only action: fields it may or may not read
        names = st.one_of(
            st.sampled_from(["reason", "to", "confirm", "expected_version", "id", "next"]),
            st.text(string.ascii_lowercase, min_size=1, max_size=8),
        )
        data.update(draw(st.dictionaries(names, hostile_text, max_size=4)))
    return data


def _rewind(data: dict[str, Any]) -> None:
    for value in data.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)


def _post(spec: FormSpec, data: dict[str, Any], failures: list[str]) -> None:
    before = _row_counts()
    _rewind(data)
    try:
        response = _client(spec.user).post(spec.url, data)
    except Exception as exc:  # the test client raises what the view did not handle
        failures.append(f"{spec.key} {spec.url}: raised {exc!r} for {_short(data)}")
        return
    if response.status_code >= 500:
        failures.append(f"{spec.key} {spec.url}: {response.status_code} for {_short(data)}")
        return
    if response.status_code in (201, 301, 302, 303):
        return  # accepted (201: made, and shown in this answer): the rows it wrote are the point
    after = _row_counts()
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    if changed:
        failures.append(
            f"{spec.key} {spec.url}: rejected with {response.status_code} yet wrote {changed} for {_short(data)}"
        )


def _short(data: dict[str, Any]) -> str:
    return repr({k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v) for k, v in data.items()})[:400]


@pytest.mark.django_db
def test_no_form_gives_a_server_error_or_a_partial_record(world: World) -> None:  # noqa: F811
    specs = discover(world)
    keys = {s.key for s in specs}
    # The walk must really reach the forms: a few that exist for certain.
    assert {"trajectories:learner-register", "certificates:issue", "partnerships:edit", "account_login"} <= keys
    assert len(specs) >= 150, sorted(keys)
    failures: list[str] = []

    @settings(
        max_examples=4,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        for spec in specs:
            submitted = data.draw(submission(spec), label=spec.key)
            _post(spec, submitted, failures)

    fuzz()

    # The same submission twice, as a double click sends it: the second one too is handled.
    for spec in specs:
        once = {f.name: f.valid[0] for f in spec.fields if f.valid and not f.is_file} | spec.fixed
        _post(spec, once, failures)
        _post(spec, once, failures)

    assert not failures, f"{len(failures)} problems:\n  " + "\n  ".join(dict.fromkeys(failures))
