from django.conf import settings

from sinergi.access.ui import menu_flags


def web(request):
    # The instance's name tells apart two instances open side by side (the demo's Indonesia and Cambodia).
    return {"perms_web": menu_flags(getattr(request, "user", None)), "instance_name": settings.SINERGI_INSTANCE_NAME}
