from django.db import models
from django.utils.translation import gettext_lazy as _


class PairStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu tinjauan")
    CONFIRMED = "confirmed", _("Orang yang sama")
    REJECTED = "rejected", _("Orang berbeda")
    UNMERGED = "unmerged", _("Penggabungan dibatalkan")
