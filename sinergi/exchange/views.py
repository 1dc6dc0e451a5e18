"""The two public endpoints of an instance: its public keys, and the inbox peers deliver to."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

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
    # The connecting address: rate limits on refused messages are per source (a TLS proxy in front passes its
    # own address; the limit then holds for all senders together).
    status, body = inbox_receive(token, source=request.META.get("REMOTE_ADDR"))
    return JsonResponse(body, status=status)
