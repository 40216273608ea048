"""Building blocks of the forum tests."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import PartnershipMember
from werkplaats.partnerships.tests.factories import Cast

from .. import services
from ..models import Thread

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def access(member: PartnershipMember) -> PartnershipAccess:
    request = RequestFactory().get("/")
    request.user = member.user
    return partnership_access(request, member.partnership.slug)


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(c: Cast, name: str = "list", **kwargs: Any) -> str:
    return reverse(f"forum:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


def thread(
    member: PartnershipMember, title: str = "Werkgeversontbijt", body: str = "Wie komt er?", **kw: Any
) -> Thread:
    return services.start_thread(access(member), title=title, body=body, **kw)


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def office(kind: str = "docx", name: str | None = None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        if kind == "odt":
            package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            package.writestr("content.xml", "<office:document-content/>")
        else:
            package.writestr("[Content_Types].xml", "<Types/>")
            package.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return SimpleUploadedFile(name or f"plan.{kind}", buffer.getvalue(), content_type="application/octet-stream")
