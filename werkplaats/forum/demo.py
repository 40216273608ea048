"""Demo forum: in the Groningen network an announcement of the coordinator, three threads with
replies and mentions, and a draft work plan in two versions with comments; in the
professionele werkplaats one announcement.

Everything goes through the services (rendering, mentions, subscriptions), without e-mail, and
the times are set back afterwards so the forum reads like a few weeks of conversation."""

from __future__ import annotations

import datetime
import io
import zipfile
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from werkplaats.notifications.services import without_email
from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import Group, GroupKind, GroupMember, Partnership, PartnershipMember

from . import services
from .models import Document, Post, Thread


def _access(partnership: Partnership, email: str) -> PartnershipAccess:
    member = (
        PartnershipMember.objects.active()
        .select_related("user", "partnership")
        .get(partnership=partnership, user__email=email)
    )
    groups = list(partnership.groups.open().values_list("pk", "kind", "coordinator_id"))
    mine = GroupMember.objects.active().filter(member=member).values_list("group_id", flat=True)
    return PartnershipAccess(
        partnership=partnership,
        member=member,
        group_ids=frozenset(mine),
        steering_group_ids=frozenset(pk for pk, kind, _c in groups if kind == GroupKind.STEERING),
        coordinated_group_ids=frozenset(pk for pk, _k, c in groups if c == member.user_id),
    )


def _ago(days: int, hour: int = 10) -> datetime.datetime:
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=15 + days % 40, second=0, microsecond=0)


def _backdate(thread: Thread, posts: list[Post], days: list[int]) -> None:
    for post, day in zip(posts, days, strict=True):
        Post.objects.filter(pk=post.pk).update(created_at=_ago(day, 9 + day % 7))
    Thread.objects.filter(pk=thread.pk).update(
        created_at=_ago(days[0], 9 + days[0] % 7), last_activity_at=_ago(days[-1], 9 + days[-1] % 7)
    )


def _conversation(
    partnership: Partnership,
    *,
    title: str,
    group: Group | None,
    messages: list[tuple[str, str, int]],
    announcement: bool = False,
) -> Thread:
    """A thread of (e-mail of the author, Markdown, days ago) messages, the first opening it."""
    (email, body, _day), *replies = messages
    thread = services.start_thread(
        _access(partnership, email), title=title, body=body, group=group, announcement=announcement
    )
    posts = [thread.posts.get()]
    for email, body, _day in replies:
        posts.append(services.reply(thread, pa=_access(partnership, email), body=body))
    _backdate(thread, posts, [day for _e, _b, day in messages])
    return thread


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with ``lines`` of text (Latin-1), made by hand: no PDF library is needed."""
    text = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines
    )
    stream = text.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _docx(paragraphs: list[str]) -> bytes:
    """A minimal Word document with ``paragraphs``."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        )
    return out.getvalue()


WERKPLAN = [
    "Concept werkplan Werkgeversbenadering 2026",
    "Doel: op 31 december 2026 bieden 25 erkende leerbedrijven samen 60 leerplekken.",
    "1. Werkgeversontbijt in april en oktober, samen met het Werkgeversservicepunt.",
    "2. Elke klantmanager bezoekt per kwartaal twee werkgevers met een vacature.",
    "3. Praktijkopleiders krijgen een korte training begeleiden op de werkvloer.",
    "4. Erkenning als leerbedrijf: SBB-adviseur helpt bij de aanvraag.",
    "Planning: januari-maart werven, april ontbijt, mei-juni eerste plaatsingen.",
]


def _document(groningen: Partnership, group: Group | None) -> None:
    author = _access(groningen, "member@demo.nl")
    document = services.share_document(
        author,
        title="Concept werkplan Werkgeversbenadering 2026",
        description=(
            "Graag jullie reactie vóór de volgende stuurgroep: is de planning haalbaar, en missen we "
            "werkgevers of sectoren?"
        ),
        group=group,
        upload=SimpleUploadedFile("werkplan.pdf", _pdf(WERKPLAN), content_type="application/pdf"),
    )
    first = document.versions.get(number=1)
    services.comment_on(
        first,
        pa=_access(groningen, "werkgever@demo.nl"),
        body="Mei-juni voor de eerste plaatsingen is krap: veel installatiebedrijven draaien dan volle "
        "projecten. Liever **september** als startmoment voor de techniek.",
    )
    services.comment_on(
        first,
        pa=_access(groningen, "coordinator@demo.nl"),
        body="Goed plan. Zet de erkenning als leerbedrijf eerder in de planning; @yvonne-smit, kan de "
        "SBB-adviseur al in februari aansluiten?",
    )
    second_lines = [
        *WERKPLAN[:5],
        "4. Erkenning als leerbedrijf: SBB-adviseur sluit vanaf februari aan bij de bezoeken.",
        "Planning: januari-maart werven, april ontbijt, mei-juni zorg en bakkerij, september techniek.",
    ]
    second = services.add_version(
        document,
        pa=author,
        upload=SimpleUploadedFile(
            "werkplan-v2.docx",
            _docx(second_lines),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        note="Techniek start in september; de SBB-adviseur sluit vanaf februari aan.",
    )
    services.comment_on(
        second,
        pa=_access(groningen, "trainer@demo.nl"),
        body="Voor de training van praktijkopleiders wil ik wel vertellen hoe wij het in de bakkerij doen.",
    )
    Document.objects.filter(pk=document.pk).update(created_at=_ago(20), updated_at=_ago(6))
    first.__class__.objects.filter(pk=first.pk).update(created_at=_ago(20))
    second.__class__.objects.filter(pk=second.pk).update(created_at=_ago(6))


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    """The forum's demo history: notifications in the app, no e-mail."""
    with without_email():
        _load(groningen, werkplaats)


def _load(groningen: Partnership, werkplaats: Partnership) -> None:
    if Thread.objects.filter(partnership__in=[groningen, werkplaats]).exists():
        return
    employers = groningen.groups.filter(name="Werkgroep Werkgeversbenadering").first()
    pathway = groningen.groups.filter(name="Werkgroep Doorlopende leerlijn").first()

    _conversation(
        groningen,
        title="Informatiebijeenkomsten mbo: lift mee en nodig werkgevers uit",
        group=None,
        announcement=True,
        messages=[
            (
                "coordinator@demo.nl",
                "Beste allemaal,\n\nNoorderpoort en het Alfa-college houden in maart hun "
                "**informatiebijeenkomsten** over praktijkleren. We liften mee: er is een eigen tafel voor "
                "werkgevers en voor kandidaten die via de gemeente of UWV komen.\n\n"
                "- Noorderpoort, dinsdag 10 maart, 16.00-18.00 uur\n"
                "- Alfa-college, donderdag 12 maart, 16.00-18.00 uur\n\n"
                "Nodig werkgevers uit je netwerk uit en zet ze in de agenda. Vragen? Reageer hieronder.",
                24,
            ),
            ("werkgever@demo.nl", "Ik neem twee collega-installateurs mee naar het Alfa-college.", 23),
        ],
    )
    _conversation(
        groningen,
        title="Werkgeversontbijt in april: wie neemt een leerbedrijf mee?",
        group=employers,
        messages=[
            (
                "member@demo.nl",
                "We organiseren op 16 april het eerste werkgeversontbijt. Doel: tien werkgevers die nog geen "
                "leerbedrijf zijn kennis laten maken met praktijkleren. Wie kent een werkgever die erbij "
                "moet zijn?",
                18,
            ),
            (
                "trainer@demo.nl",
                "Ik vraag de bakker op de Grote Markt; die zoekt al lang mensen en twijfelt over de begeleiding.",
                17,
            ),
            (
                "werkgever@demo.nl",
                "Goed idee. Laat een praktijkopleider vertellen hoe het begeleiden in de praktijk gaat, dat "
                "overtuigt beter dan een folder. @ahmed-el-amrani, heb jij een deelnemer die zijn verhaal wil "
                "doen?",
                16,
            ),
            (
                "consultant@demo.nl",
                "Ja, een deelnemer die net haar praktijkverklaring logistiek heeft gehaald wil wel vertellen. "
                "Ik vraag het haar deze week.",
                15,
            ),
        ],
    )
    _conversation(
        groningen,
        title="Van praktijkverklaring naar diploma: ervaringen gezocht",
        group=pathway,
        messages=[
            (
                "school@demo.nl",
                "Voor de doorlopende leerlijn zoeken we deelnemers die na een praktijkverklaring verder "
                "wilden leren. Wat hield hen tegen? Denk aan *tijd*, *geld*, *taal* of het rooster van de school.",
                12,
            ),
            (
                "stuurgroep@demo.nl",
                "Bij het Alfa-college zien we vooral dat de overstap naar de BBL stokt op de vrijstellingen. "
                "@petra-hoekstra, zullen we de examencommissies samen uitnodigen?",
                11,
            ),
            (
                "school@demo.nl",
                "Graag. Ik plan een overleg in de tweede week van maart en zet de uitkomst hier.",
                10,
            ),
        ],
    )
    _conversation(
        groningen,
        title="Taalondersteuning op de werkvloer",
        group=None,
        messages=[
            (
                "consultant@demo.nl",
                "Drie deelnemers in de bakkerij en de logistiek hebben taalniveau A2. Wat werkt bij jullie om "
                "werkinstructies begrijpelijk te maken?",
                5,
            ),
            (
                "trainer@demo.nl",
                "Wij werken met foto's bij elke stap van het recept en een woordenlijst op de muur. "
                "Dat helpt ook collega's.",
                4,
            ),
            (
                "member@demo.nl",
                "Iederz heeft een taalcoach die op de werkvloer meekijkt. @kees-kuipers, zal ik haar eens "
                "langs laten komen?",
                2,
            ),
        ],
    )
    _document(groningen, employers)

    if werkplaats.members.active().filter(user__email="hogeschool@demo.nl", role="manager").exists():
        _conversation(
            werkplaats,
            title="Praktijkvragen voor het voorjaarssemester",
            group=None,
            announcement=True,
            messages=[
                (
                    "hogeschool@demo.nl",
                    "Het wijkteam heeft drie praktijkvragen voor het voorjaar aangedragen. Studenten kiezen in "
                    "de eerste week; wie vanuit het wijkteam wil meedenken, reageer hieronder.",
                    9,
                ),
            ],
        )
