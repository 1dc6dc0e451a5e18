"""Who hears about a report in the inbox, and what they read. The text names the channel and the deadline,
never the person: a notification may be read on a lock screen."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sinergi.agencies.enums import Role
from sinergi.agencies.models import Membership

from .models import Report

TRIAGE_ROLES = (Role.INTAKE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR)


def _users(agency_ids, roles) -> list[int]:
    return list(Membership.objects.filter(agency_id__in=[a for a in agency_ids if a], role__in=roles, is_active=True)
                .values_list("user_id", flat=True).distinct())


def report_changed(report_id, event: str) -> None:
    from sinergi.notifications.services import notify
    from sinergi.referrals.notify import task_force_for

    r = Report.objects.select_related("agency", "filed_by_agency").filter(pk=report_id).first()
    if r is None:
        return
    # Titles are stored once for every recipient: in the instance's default language.
    with translation.override("id"):
        inbox_url = reverse("web:inbox_detail", args=[r.pk])
        channel = r.get_channel_display()
        if event == "arrived":
            users = _users([r.agency_id], TRIAGE_ROLES)
            title = _("Laporan baru masuk (%(channel)s): putuskan sebelum %(due)s") % {
                "channel": channel, "due": r.due_at.strftime("%d-%m-%Y %H:%M") if r.due_at else "-"}
            key = f"report:{r.pk}:arrived:{r.agency_id}"
            url = inbox_url
        elif event == "escalated1":
            users = _users([r.agency_id], (Role.SUPERVISOR,))
            title = _("Laporan belum diputuskan tepat waktu (%(channel)s)") % {"channel": channel}
            key, url = f"report:{r.pk}:escalated1:{r.agency_id}", inbox_url
        elif event == "escalated2":
            tf = task_force_for(r.agency)
            users = _users([tf.pk if tf else None], (Role.SUPERVISOR, Role.CASE_MANAGER))
            users += _users([r.agency_id], (Role.SUPERVISOR,))
            title = _("Eskalasi gugus tugas: laporan di %(agency)s belum diputuskan") % {"agency": r.agency}
            key, url = f"report:{r.pk}:escalated2:{r.agency_id}", inbox_url
        elif event == "decided" and r.filed_by_agency_id:
            users = _users([r.filed_by_agency_id], TRIAGE_ROLES)
            title = _("Laporan yang Anda kirim sudah ditindaklanjuti")
            key, url = f"report:{r.pk}:decided", reverse("web:my_reports")
        else:
            return
    notify(user_ids=users, title=title, body="", url=url, key=key)
