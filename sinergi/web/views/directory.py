"""The hotline directory inside the staff pages: whom a village head (or anyone signed in) tells a family to call.
The same directory as the public door's, with the services of the user's own province first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sinergi.access.principal import Principal
from sinergi.agencies.models import Agency
from sinergi.recruitment.selectors import hotline_directory


def _home_province(user) -> str | None:
    agency_id, _role = Principal.of(user).primary
    region = Agency.objects.filter(pk=agency_id).values_list("region_id", flat=True).first() if agency_id else None
    return region.split(".")[0] if region else None


@login_required
def hotlines(request):
    return render(request, "web/hotlines.html", {"nav": "hotlines",
                                                 "directory": hotline_directory(_home_province(request.user))})
