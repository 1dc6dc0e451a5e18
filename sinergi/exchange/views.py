"""The two public endpoints of an instance: its public keys, and the inbox peers deliver to."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sinergi.core.net import client_address

from .crypto import jwks_public
from .services import MAX_BODY_BYTES, inbox_receive


@require_GET
def jwks(request):
    return JsonResponse(jwks_public())


@csrf_exempt  # authenticated by the message's signature, not by a browser session
@require_POST
def inbox(request):
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "too large"}, status=413)
    try:
        token = request.body.decode("ascii").strip()
    except UnicodeDecodeError:
        return JsonResponse({"error": "malformed"}, status=400)
    # Rate limits on refused messages are per source: the client's address, behind a trusted proxy too.
    status, body = inbox_receive(token, source=client_address(request))
    return JsonResponse(body, status=status)
