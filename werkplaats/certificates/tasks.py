"""Background work for certificates: drawing PDFs and issuing batches."""

from __future__ import annotations

import contextlib

from django_tasks import task

from werkplaats.audit.context import acting_as, system_actor


@task()
def render_certificate_pdf(certificate_id: int) -> str:
    """Draw and store the PDF of a certificate just issued (once: a stored PDF is kept)."""
    from . import pdf
    from .models import Certificate

    certificate = Certificate.objects.get(pk=certificate_id)
    # A holder erased before the worker came to it gets no PDF.
    with acting_as(system_actor("certificate PDF")), contextlib.suppress(pdf.HolderErased):
        pdf.stored_pdf(certificate)
    return certificate.number


@task()
def run_issue_batch(batch_id: int) -> str:
    from .batches import execute_batch

    return execute_batch(batch_id).status
