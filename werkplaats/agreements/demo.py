"""Demo agreements: the covenant of the Groningen praktijkleren network (version 1 in force,
signed by every partner; version 2 a draft after the first evaluation) and the professional
statute of the hogeschool team in the professionele werkplaats.

Everything goes through the services, so the demo shows the same history a real covenant gets.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from werkplaats.partnerships.models import MemberRole, Partnership, PartnershipMember

from . import services
from .models import AgreementEvent, AgreementKind, AgreementVersion, Signature, SignatureMethod

COVENANT_TITLE = "Convenant Praktijkleren Arbeidsmarktregio Groningen 2025\u20132028"

COVENANT_V1: dict[str, Any] = {
    "goals": (
        "1. Iedereen in de arbeidsmarktregio Groningen die wil leren in de praktijk krijgt die kans: werkzoekenden, "
        "jongeren zonder startkwalificatie, statushouders en werkenden.\n"
        "2. In 2028 halen jaarlijks 150 deelnemers een praktijkverklaring, certificaat of diploma via "
        "praktijkleren.\n"
        "3. Een traject van aanmelding tot praktijkverklaring duurt in de regel drie tot zes maanden.\n"
        "4. De partners weten per kwartaal hoeveel praktijkverklaringen er zijn uitgereikt, per gemeente en per "
        "school."
    ),
    "conditions": (
        "- Iedere partner wijst een vertegenwoordiger op strategisch niveau aan die met mandaat kan besluiten.\n"
        "- Praktijkleren vindt plaats bij een door SBB erkend leerbedrijf, met een praktijkopleider die tijd "
        "krijgt voor begeleiding.\n"
        "- De gemeente financiert intake en begeleiding uit de regionale middelen; de scholen dragen de kosten "
        "van begeleiding en beoordeling.\n"
        "- Deelnemers en werkgevers hebben één loket: het Leerwerkloket Groningen."
    ),
    "approach": (
        "De stuurgroep stuurt op de doelen van dit convenant en komt zes keer per jaar bijeen. Werkgroepen met "
        "een concrete, meetbare opdracht werken de afspraken uit en rapporteren elke zes weken aan de stuurgroep. "
        "We werken in kleine stappen en vieren successen, zoals de honderdste praktijkverklaring. Twee keer per "
        "jaar staan we stil bij de vraag of we nog op de goede weg zitten."
    ),
    "roles_and_decisions": (
        "De gemeente Groningen voert de regie en levert de coördinator. Besluiten over geld en over de inrichting "
        "van het proces neemt de stuurgroep bij consensus; lukt dat niet, dan beslist de voorzitter na overleg met "
        "de betrokken partners. De scholen zijn verantwoordelijk voor de keuze van werkprocessen, de beoordeling "
        "en het ondertekenen van praktijkverklaringen."
    ),
    "starts_on": datetime.date(2025, 1, 1),
    "ends_on": datetime.date(2028, 12, 31),
    "revisit_on": datetime.date(2026, 1, 15),
}

COVENANT_V2_CHANGES: dict[str, Any] = {
    "goals": COVENANT_V1["goals"].replace("jaarlijks 150 deelnemers", "jaarlijks 175 deelnemers")
    + "\n5. Deelnemers met een praktijkverklaring kunnen via een doorlopende leerlijn verder naar een mbo-diploma.",
    "conditions": COVENANT_V1["conditions"]
    + "\n- Voor de derde leerweg sluiten de scholen per deelnemer een overeenkomst met de werkgever en de gemeente.",
    "revisit_on": datetime.date(2027, 1, 15),
}

STATUTE_TITLE = "Professioneel statuut team Social Work in de werkplaats"

STATUTE_TEXT: dict[str, Any] = {
    "goals": (
        "Docenten, docent-onderzoekers en studenten zijn mede-eigenaar van het onderwijs en het onderzoek in de "
        "werkplaats. Zij kunnen, willen, mogen en durven keuzes te maken over hun eigen werk, samen met de "
        "teamleider en het wijkteam."
    ),
    "conditions": (
        "- Iedere docent heeft vier uur per week voor werk in de wijk en voor praktijkgericht onderzoek.\n"
        "- Het team heeft een eigen budget voor scholing en intervisie.\n"
        "- Intervisie in groepen van vier tot acht collega's, begeleid door iemand die niet direct betrokken is."
    ),
    "approach": (
        "Nieuwe thema's pakt het team op in tijdelijk werkbare eenheden, met afspraken over thema, looptijd, "
        "resultaat en verantwoording. Twee keer per jaar bespreekt het team met de teamleider hoe de afspraken "
        "werken, aan de hand van de gespreksvragen over professionele ruimte."
    ),
    "roles_and_decisions": (
        "Professionele ruimte: docenten kiezen zelf hun didactiek en de opzet van de opdrachten in de wijk, binnen "
        "de eindtermen van de opleiding.\n"
        "Besluitvorming: over de inrichting van het curriculum in de werkplaats besluit het team met de "
        "teamleider; voorstellen komen uit het team, de teamleider besluit niet zonder brede dialoog.\n"
        "Rollen: de teamleider faciliteert en bewaakt de kaders; de docent-onderzoeker coördineert de "
        "leergemeenschap; studenten hebben een vaste plek in het teamoverleg over de werkplaats."
    ),
    "starts_on": datetime.date(2025, 10, 1),
    "ends_on": None,
}


def _signed_copy_pdf(title: str, partner: str) -> bytes:
    """A small, valid one-page PDF standing in for a scanned, signed copy."""
    text = f"Getekend exemplaar - {title} - {partner}".encode("latin-1", "replace")
    text = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 11 Tf 50 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n"
    out += str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _manager(partnership: Partnership) -> PartnershipMember | None:
    return partnership.members.active().filter(role=MemberRole.MANAGER).select_related("user").order_by("pk").first()


def _covenant(groningen: Partnership) -> None:
    manager = _manager(groningen)
    if manager is None or groningen.agreements.filter(title=COVENANT_TITLE).exists():
        return
    agreement = services.create_agreement(
        groningen,
        by=manager.user,
        kind=AgreementKind.COVENANT,
        title=COVENANT_TITLE,
        scope="Alle partners van het netwerk",
        **COVENANT_V1,
    )
    v1 = agreement.versions.get(number=1)
    services.publish_version(v1, by=manager.user)
    members = list(groningen.members.active().select_related("user", "partner__organisation").order_by("pk"))
    for index, partner in enumerate(groningen.partners.active().select_related("organisation").order_by("pk")):
        representative = next((m for m in members if m.partner_id == partner.pk and m.level == "strategic"), None)
        representative = representative or next((m for m in members if m.partner_id == partner.pk), None)
        if representative is not None and index % 3 != 2:
            services.sign_version(
                v1, partner=partner, signer=representative, method=SignatureMethod.IN_APP, signatory=""
            )
        else:
            # Signed on paper at the kick-off; the coordinator uploaded the scan.
            name = f"convenant-getekend-{partner.organisation.slug}.pdf"
            services.sign_version(
                v1,
                partner=partner,
                signer=manager,
                method=SignatureMethod.SIGNED_COPY,
                signatory=f"Directie {partner.organisation.name}",
                file=ContentFile(_signed_copy_pdf(COVENANT_TITLE, partner.organisation.name), name=name),
            )
    # The covenant was signed in December 2024; date the record accordingly.
    for n, signature in enumerate(Signature.objects.filter(version=v1).order_by("pk"), start=3):
        Signature.objects.filter(pk=signature.pk).update(signed_at=_at(datetime.date(2024, 12, n)))
    AgreementVersion.objects.filter(pk=v1.pk).update(
        created_at=_at(datetime.date(2024, 11, 4)),
        published_at=_at(datetime.date(2024, 12, 2)),
        in_force_at=_at(datetime.date(2024, 12, 19)),
    )
    events = list(AgreementEvent.objects.filter(version=v1).order_by("pk"))
    moments = [datetime.date(2024, 11, 4), datetime.date(2024, 12, 2), datetime.date(2024, 12, 19)]
    for event, moment in zip(events, moments, strict=True):
        AgreementEvent.objects.filter(pk=event.pk).update(at=_at(moment))
    v2 = services.start_version(agreement, by=manager.user)
    services.change_version(v2, by=manager.user, **COVENANT_V2_CHANGES)


def _statute(werkplaats: Partnership) -> None:
    manager = _manager(werkplaats)
    if manager is None or werkplaats.agreements.filter(title=STATUTE_TITLE).exists():
        return
    school = (
        werkplaats.partners.active()
        .select_related("organisation")
        .filter(organisation__kind="hbo_school")
        .order_by("pk")
        .first()
    )
    scope = f"Team Social Work, {school.organisation.name}" if school else "Team Social Work"
    today = timezone.localdate()
    agreement = services.create_agreement(
        werkplaats,
        by=manager.user,
        kind=AgreementKind.STATUTE,
        title=STATUTE_TITLE,
        scope=scope,
        revisit_on=today + datetime.timedelta(days=20),
        **STATUTE_TEXT,
    )
    adopted_on = min(datetime.date(2025, 10, 6), today)
    version = services.adopt_version(
        agreement.versions.get(number=1),
        by=manager.user,
        adopted_on=adopted_on,
        adopted_by="Teamvergadering Social Work, met instemming van de teamleider",
    )
    AgreementVersion.objects.filter(pk=version.pk).update(
        created_at=_at(adopted_on - datetime.timedelta(days=21)), in_force_at=_at(adopted_on, 16)
    )
    first, adopted = AgreementEvent.objects.filter(version=version).order_by("pk")
    AgreementEvent.objects.filter(pk=first.pk).update(at=_at(adopted_on - datetime.timedelta(days=21)))
    AgreementEvent.objects.filter(pk=adopted.pk).update(at=_at(adopted_on, 16))


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    _covenant(groningen)
    _statute(werkplaats)
