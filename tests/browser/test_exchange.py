"""Exchange in a real browser: an organisation's administrator makes an API token and another
system calls the API with it; a consultant imports learners from a spreadsheet with a bad row and
downloads the rejected rows; a coordinator opens the lists of all trajectories and
praktijkverklaringen and downloads them. axe-core checks every page on the way."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser

LEARNERS_CSV = (
    "Voornaam;Achternaam;Geboortedatum;E-mail;Doelgroep\n"
    "Sanne;de Boer;12-03-1998;sanne@example.nl;participatiewet\n"
    "Youssef;Amrani;1990-02-30;;newcomer\n"
    "Sanne;de Boer;12-03-1998;;participatiewet\n"
)


def test_an_administrator_makes_a_token_and_another_system_reads_the_api_with_it(site: str, page: Page) -> None:
    log_in(page, "admin@demo.nl")
    visit(page, "/organisations/gemeente-groningen/", "exchange-organisation")
    page.get_by_role("link", name="API-tokens van deze organisatie beheren").click()
    check_a11y(page)
    page.get_by_role("link", name=re.compile("Nieuw token")).click()
    check_a11y(page)
    screenshot(page, "exchange-token-form")
    page.get_by_label(re.compile("^Naam")).fill("Koppeling leerlingvolgsysteem")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("h1")).to_contain_text("Koppeling leerlingvolgsysteem")
    check_a11y(page)
    screenshot(page, "exchange-token-created")
    secret = page.locator("#api-token-secret").input_value()
    assert secret.startswith("wpk_")

    request = urllib.request.Request(  # noqa: S310 - the live test server
        f"{site}/api/v1/organisations?limit=5", headers={"Authorization": f"Bearer {secret}"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the live test server
        assert answer.headers["API-Version"] == "1.0.0"
        body = json.load(answer)
    assert body["count"] >= 1
    assert all(set(item) >= {"slug", "name"} for item in body["items"])

    # The list shows the token by name, never its secret.
    page.goto("/organisations/gemeente-groningen/api-tokens/")
    expect(page.locator("main")).to_contain_text("Koppeling leerlingvolgsysteem")
    assert secret not in page.content()
    check_a11y(page)


def test_a_consultant_imports_learners_and_downloads_the_rejected_rows(site: str, page: Page, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from werkplaats.trajectories.models import Learner

    upload = tmp_path / "deelnemers.csv"
    upload.write_text(LEARNERS_CSV, encoding="cp1252")
    before = Learner.objects.count()

    log_in(page, "consultant@demo.nl")
    visit(page, "/imports/", "exchange-import-start")
    page.locator("input[type='file']").set_input_files(str(upload))
    page.locator("main form button[type='submit']").first.click()
    # The columns are suggested from the file's Dutch headers.
    expect(page.locator("h1")).to_contain_text("deelnemers.csv")
    check_a11y(page)
    screenshot(page, "exchange-import-mapping")
    page.get_by_role("button", name="Bestand controleren").click()

    # The preview: one new learner, a duplicate within the file, a row with an impossible date.
    main = page.locator("main")
    expect(main).to_contain_text("'1990-02-30' is geen datum")
    expect(main).to_contain_text("samengevoegd met rij 2")
    check_a11y(page)
    screenshot(page, "exchange-import-preview")
    assert Learner.objects.count() == before  # nothing is written before the choice

    page.get_by_label(re.compile("Alleen de juiste rijen")).check()
    page.get_by_role("button", name="Importeren").click()
    expect(main).to_contain_text("1 nieuw")
    check_a11y(page)
    assert Learner.objects.count() == before + 1
    assert Learner.objects.filter(first_name="Sanne", last_name="de Boer").count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("afgewezen rijen")).first.click()
    rows = list(load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [3]
    assert "1990-02-30" in str(rows[1][1])


def test_a_coordinator_opens_the_lists_and_downloads_them(site: str, page: Page, settings: Any) -> None:
    from openpyxl import load_workbook

    from werkplaats.demo.trajectories import load_trajectories

    load_trajectories()
    log_in(page, "coordinator@demo.nl")
    visit(page, "/trajectories/", "exchange-all-trajectories")
    expect(page.locator("table caption")).to_contain_text("trajecten")
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als Excel (XLSX)").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header = next(sheet.iter_rows(values_only=True))
    assert header[0] == "Deelnemer"
    assert sheet.max_row > 1

    visit(page, "/certificates/", "exchange-all-certificates")
    expect(page.locator("h1")).to_have_text("Praktijkverklaringen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als CSV").click()
    assert Path(download.value.path()).read_bytes().decode("utf-8-sig").splitlines()[0].startswith("Nummer")
