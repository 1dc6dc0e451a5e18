"""What an API token was issued for: the user's access at that moment, as a fingerprint."""

from django.db import models
from rest_framework.authtoken.models import Token


class TokenAccess(models.Model):
    """The fingerprint (``tokens.access_fingerprint``) of the account's access when the token was issued. A token
    whose user's access has changed since (account or membership deactivated or removed, agency deactivated,
    role or password changed), or that has no fingerprint, is refused at authentication."""

    token = models.OneToOneField(Token, primary_key=True, on_delete=models.CASCADE, related_name="access")
    fingerprint = models.CharField(max_length=64)
