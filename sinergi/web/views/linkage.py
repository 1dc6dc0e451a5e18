"""The review queue of possible duplicates: the list, one pair side by side, the decision, and undoing a merge.
Thin: reads through ``linkage.selectors`` (visibility first), writes through ``linkage.merging``."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.access.linkage import review_agency_ids
from django.core.exceptions import ValidationError

from sinergi.core.errors import Conflict, NotFound
from sinergi.linkage import merging, selectors
from sinergi.linkage.enums import PairStatus

PAGE_SIZE = 25
STATUSES = (PairStatus.PENDING, PairStatus.CONFIRMED, PairStatus.REJECTED, PairStatus.UNMERGED)


def _reviewer(request):
    if not review_agency_ids(request.user):
        raise Http404


@login_required
def pair_list(request):
    _reviewer(request)
    status = request.GET.get("status", PairStatus.PENDING)
    if status not in STATUSES:
        status = PairStatus.PENDING
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    offset = (page - 1) * PAGE_SIZE
    rows = list(selectors.pairs_for_review(request.user, status=status)[offset: offset + PAGE_SIZE + 1])
    has_next, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    pairs = [selectors.project_pair(request.user, p) for p in rows]
    selectors.audit_pairs_read(request.user, pairs, via="page", filters={"status": status})
    return render(request, "web/linkage/pair_list.html", {
        "nav": "linkage", "pairs": pairs, "status": status,
        "filters": [(s, PairStatus(s).label) for s in STATUSES], "page": page, "has_next": has_next,
        "has_prev": page > 1, "query": f"status={status}"})


def _pair(request, pair_id):
    try:
        return selectors.pair_for(request.user, pair_id)
    except NotFound:
        raise Http404 from None


@login_required
def pair_detail(request, pair_id):
    pair = _pair(request, pair_id)
    view = selectors.project_pair(request.user, pair)
    selectors.audit_pairs_read(request.user, [view], via="page detail", single=True)
    return _detail(request, view)


def _detail(request, view, *, error: str = "", status: int = 200):
    return render(request, "web/linkage/pair_detail.html", {"nav": "linkage", "pair": view, "error": error,
                                                            "request_key": uuid.uuid4().hex}, status=status)


@login_required
@require_POST
def pair_decide(request, pair_id):
    pair = _pair(request, pair_id)
    decision = request.POST.get("decision")
    key = request.POST.get("idempotency_key") or None
    try:
        if decision == "confirm":
            pair = merging.pair_confirm(actor=request.user, pair=pair, idempotency_key=key)
            messages.success(request, _("Digabung: satu orang dengan semua kasus dan laporannya.")
                             if pair.status == PairStatus.CONFIRMED else
                             _("Konfirmasi Anda dicatat; menunggu konfirmasi lembaga lain yang memegang catatan ini."))
        elif decision == "reject":
            merging.pair_reject(actor=request.user, pair=pair, reason=request.POST.get("reason", ""),
                                idempotency_key=key)
            messages.success(request, _("Dicatat: dua orang yang berbeda."))
        else:
            return _detail(request, selectors.project_pair(request.user, pair),
                           error=_("Pilih: orang yang sama, atau orang berbeda."), status=400)
    except NotFound:
        raise Http404 from None
    except Conflict as exc:
        return _detail(request, selectors.project_pair(request.user, pair), error=str(exc.message), status=409)
    except ValidationError as exc:
        return _detail(request, selectors.project_pair(request.user, pair), error=" ".join(exc.messages),
                       status=400)
    return redirect("web:linkage_pair", pair_id=pair.pk)


@login_required
@require_POST
def merge_undo(request, merge_id):
    _reviewer(request)
    try:
        merge = selectors.merge_for(request.user, merge_id)
        merging.merge_undo(actor=request.user, merge=merge, idempotency_key=request.POST.get("idempotency_key"))
    except NotFound:
        raise Http404 from None
    except (Conflict, ValidationError) as exc:
        messages.error(request, str(exc.message) if isinstance(exc, Conflict) else " ".join(exc.messages))
        return redirect("web:linkage_pair", pair_id=merge.pair_id) if merge.pair_id else redirect("web:linkage_pairs")
    messages.success(request, _("Penggabungan dibatalkan: kasus dan laporan kembali ke catatan semula."))
    return redirect("web:linkage_pair", pair_id=merge.pair_id) if merge.pair_id else redirect("web:linkage_pairs")
