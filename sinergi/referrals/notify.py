"""Who hears about a referral change, and what they read."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.access.projection import case_label
from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.models import Agency, Membership

from sinergi.core.i18n import message

from .enums import ReferralStatus, ReferralType
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
    # Labels stay lazy: each recipient reads the title in their own language.
    label = ReferralType(r.type).label if r.type in ReferralType.values else r.type
    names = {"type": label, "sender": r.from_agency, "receiver": r.to_agency}
    if event == "sent":
        users = _users([r.to_agency_id], WORKERS)
        title = message(_("Rujukan baru dari %(sender)s: %(type)s"), **names)
    elif event == "escalated1":
        users = _users([r.from_agency_id, r.to_agency_id], (Role.SUPERVISOR,))
        title = message(_("Rujukan belum dikonfirmasi: %(type)s ke %(receiver)s"), **names)
    elif event == "escalated2":
        tf = task_force_for(r.from_agency)
        users = _users([tf.pk], (Role.SUPERVISOR, Role.CASE_MANAGER)) if tf else []
        users += _users([r.from_agency_id, r.to_agency_id], (Role.SUPERVISOR,))
        title = message(_("Eskalasi gugus tugas: rujukan %(type)s ke %(receiver)s terlambat"), **names)
    else:
        users = _users([r.from_agency_id], (Role.CASE_MANAGER, Role.SUPERVISOR))
        status = ReferralStatus(r.status).label if r.status in ReferralStatus.values else r.status
        title = message(_("Rujukan %(type)s ke %(receiver)s: %(status)s"), status=status, **names)
    notify(user_ids=users, title=title, body=case_label(r.case), url=url, key=f"referral:{r.pk}:{event}")
