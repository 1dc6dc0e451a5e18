"""The printable one-page case summary (HTML with a print stylesheet, and PDF). Rendered from the projection,
within the reader's sections and never with contacts or document numbers (a printed page leaves the system);
each is audited as an export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from sinergi.access.principal import Principal
from sinergi.access.projection import INTAKE, REFERRALS, SERVICES, STAGES, project_case
from sinergi.access.sections import EXPLOITATION, IDENTITY, LOCATION, SERVICES as SERVICES_SECTION, sight_of
from sinergi.audit.enums import Action
from sinergi.audit.services import audit_log

from .cases import _get_case

# A printed summary carries no contacts, addresses or document numbers, whatever the reader may reveal.
PRINT_SECTIONS = frozenset({IDENTITY, EXPLOITATION, LOCATION, SERVICES_SECTION})


def _context(request, case, fmt: str) -> dict:
    sight = sight_of(request.user, case)
    view = project_case(request.user, case, sight=sight, include={STAGES, REFERRALS, SERVICES, INTAKE},
                        within=PRINT_SECTIONS)
    principal = Principal.of(request.user)
    with transaction.atomic():
        audit_log(actor=principal.actor(sight.agency_id), action=Action.EXPORT, object_type="case",
                  object_id=case.pk, detail={"format": fmt, "what": "case summary",
                                             "sections": sorted(s for s in PRINT_SECTIONS if sight.may(s))})
    narrative = next((r.narrative for r in view.intake or () if r.narrative), "")
    return {"case": view, "narrative": narrative, "printed_at": timezone.now(),
            "printed_by": request.user.get_full_name() or request.user.username}


@login_required
def case_summary(request, case_id):
    case = _get_case(request, case_id, purpose="summary")
    return render(request, "web/print/case_summary_page.html", {"nav": "cases", **_context(request, case, "html")})


@login_required
def case_summary_pdf(request, case_id):
    from weasyprint import CSS, HTML

    case = _get_case(request, case_id, purpose="summary pdf")
    html = render_to_string("web/print/case_summary_pdf.html", _context(request, case, "pdf"), request=request)
    with open(finders.find("web/print.css"), encoding="utf-8") as fh:
        css = CSS(string=fh.read())
    pdf = HTML(string=html).write_pdf(stylesheets=[css])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}.pdf"'
    return response
