"""Dutch is the first language: every string the code or templates can show has a Dutch
translation, and the compiled catalogue matches the source catalogue."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCES = ["config", "werkplaats", "templates", "manage.py"]


def _gettext_available() -> bool:
    return shutil.which("xgettext") is not None and shutil.which("msgmerge") is not None


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """Run makemessages on a copy of the sources, so the test sees what the code asks for
    without touching the committed catalogue."""
    if not _gettext_available():
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext, msgmerge) is required in CI for the translation check.")
        pytest.skip("GNU gettext is not installed; the translation check runs in CI.")
    work = tmp_path_factory.mktemp("messages")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
        else:
            shutil.copy2(source, work / name)
    (work / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONPATH": str(work)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location", "--no-wrap"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(work / "locale" / "nl" / "LC_MESSAGES" / "django.po"))


def _key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def test_every_string_in_code_and_templates_has_a_dutch_translation(extracted: polib.POFile) -> None:
    committed = {_key(e): e for e in polib.pofile(str(PO))}
    missing = [
        entry.msgid
        for entry in extracted
        if entry.msgid and (_key(entry) not in committed or not _is_translated(committed[_key(entry)]))
    ]
    assert not missing, (
        f"{len(missing)} string(s) lack a Dutch translation in {PO.relative_to(ROOT)} "
        "(run `make messages`, translate, then `make compilemessages`):\n  " + "\n  ".join(missing[:50])
    )


def test_the_catalogue_has_no_fuzzy_or_empty_entries() -> None:
    untranslated = [e.msgid for e in polib.pofile(str(PO)) if e.msgid and not e.obsolete and not _is_translated(e)]
    assert not untranslated, "Fuzzy or empty entries:\n  " + "\n  ".join(untranslated[:50])


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.pofile(str(PO)) if e.msgid and not e.obsolete}
    compiled = {_key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(MO)) if e.msgid}
    stale = [key[1] for key, value in source.items() if compiled.get(key) != value]
    assert not stale, "locale/nl/LC_MESSAGES/django.mo is out of date (run `make compilemessages`):\n  " + "\n  ".join(
        stale[:20]
    )


def test_dutch_is_what_a_visitor_sees_first(client, db) -> None:
    response = client.get("/accounts/login/")
    assert response["Content-Language"] == "nl"
    assert "Wachtwoord" in response.content.decode()
