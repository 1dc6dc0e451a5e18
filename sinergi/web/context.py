from sinergi.access.ui import menu_flags


def web(request):
    return {"perms_web": menu_flags(getattr(request, "user", None))}
