"""Who hears about a referral change, and what they read."""

from __future__ import annotations

from django.urls import reverse

from sinergi.access.projection import case_label
from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.models import Agency, Membership

from .models import Referral

WORKERS = (Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR)


def _users(agency_ids, roles) -> list[int]:
    return list(Membership.objects.filter(agency_id__in=agency_ids, role__in=roles, is_active=True)
                .values_list("user_id", flat=True).distinct())


def task_force_for(agency: Agency) -> Agency | None:
    """The task force over an agency: the one of its province, else a national one in its country."""
    qs = Agency.objects.filter(type=AgencyType.TASK_FORCE, is_active=True, country_id=agency.country_id)
    if agency.region_id:
        tf = qs.filter(region_id=agency.region_id[:2]).first()
        if tf:
            return tf
    return qs.filter(level="national").first() or qs.first()


def referral_changed(referral_id, event: str) -> None:
    from sinergi.notifications.services import notify

    r = Referral.objects.select_related("case", "from_agency", "to_agency").filter(pk=referral_id).first()
    if r is None:
        return
    url = reverse("web:case_detail", args=[r.case_id])
    label = r.get_type_display()
    if event == "sent":
        users = _users([r.to_agency_id], WORKERS)
        title = f"Rujukan baru dari {r.from_agency}: {label}"
    elif event == "escalated1":
        users = _users([r.from_agency_id, r.to_agency_id], (Role.SUPERVISOR,))
        title = f"Rujukan belum dikonfirmasi: {label} ke {r.to_agency}"
    elif event == "escalated2":
        tf = task_force_for(r.from_agency)
        users = _users([tf.pk], (Role.SUPERVISOR, Role.CASE_MANAGER)) if tf else []
        users += _users([r.from_agency_id, r.to_agency_id], (Role.SUPERVISOR,))
        title = f"Eskalasi gugus tugas: rujukan {label} ke {r.to_agency} terlambat"
    else:
        users = _users([r.from_agency_id], (Role.CASE_MANAGER, Role.SUPERVISOR))
        title = f"Rujukan {label} ke {r.to_agency}: {r.get_status_display()}"
    notify(user_ids=users, title=title, body=case_label(r.case), url=url, key=f"referral:{r.pk}:{event}")
