"""What the app keeps of linkage: each background run, the person each person was linked to (its cluster),
the candidate pairs that people review, and the merges that reviews decided (and how to undo each)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import EncryptedJSONField
from sinergi.core.models import BaseModel

from .enums import PairStatus


class LinkRun(BaseModel):
    """One background linkage of every person (``jobs.linkage_refresh``)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    persons = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    pairs_to_review = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at"]


class PersonCluster(models.Model):
    """The cluster (one real person) of each person in the latest run: the certain links, used for counting."""

    person = models.OneToOneField("people.Person", primary_key=True, on_delete=models.CASCADE, related_name="+")
    cluster = models.CharField(max_length=64, db_index=True)
    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="+")


class MatchPair(BaseModel):
    """Two persons that may be one: a pair in the uncertain band, to be reviewed. ``person_l`` has the smaller
    key. Each side is confirmed by an agency that holds that side (sees it in full); a person held by two agencies
    is merged only when both sides have said yes, so no agency's person is merged into another's on its own."""

    person_l = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_r = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    explanation = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=PairStatus.choices, default=PairStatus.PENDING)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_l_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    confirmed_l_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    confirmed_r_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    confirmed_r_agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)

    class Meta:
        ordering = ["-probability", "created_at"]
        constraints = [models.UniqueConstraint(fields=["person_l", "person_r"], name="matchpair_unique")]
        indexes = [models.Index(fields=["status", "-probability"], name="matchpair_status")]


class Merge(BaseModel):
    """One merge: ``merged`` became part of ``survivor``. ``moved`` lists what was moved (by kind, ids), so that an
    unmerge moves exactly those back; what was added to the survivor after the merge stays with it. ``fields`` is
    what the merge filled in the survivor from the merged record (each field before and after) and the fields in
    which the two disagreed (``people.merging.person_fields_fill``); encrypted, as it may hold contacts."""

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(MatchPair, null=True, blank=True, on_delete=models.PROTECT, related_name="merges")
    moved = models.JSONField(default=dict)
    fields = EncryptedJSONField(null=True, blank=True)
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["-merged_at"]
        constraints = [models.UniqueConstraint(fields=["merged"], condition=models.Q(unmerged_at__isnull=True),
                                               name="merge_one_active_per_person")]


class ClkQuery(BaseModel):
    """A question to a partner instance: does it hold this person? Sent as keyed Bloom-filter encodings only
    (``clk``), never a name; the partner's answer (scores and the agencies holding a match) is kept here."""

    peer = models.ForeignKey("exchange.Peer", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    encodings = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(null=True, blank=True)
    matches = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]


class PersonEncoding(models.Model):
    """The keyed Bloom-filter encoding (``clk``) of one record of one of our persons (the full name or an alias,
    with sex and birth date) under one partner's key, kept so that a partner's query does not encode every person
    again (``linkage.encodings``). ``digest`` is the keyed digest of what was encoded: a person changed since is
    encoded afresh. ``key_id`` names the key (``ClkEncoder.key_id``), never the key itself."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    key_id = models.CharField(max_length=16)
    digest = models.CharField(max_length=32)
    clk = models.BinaryField(max_length=128)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key_id", "person", "digest"], name="personencoding_unique")]


class RequestKey(BaseModel):
    """The idempotency key of a review decision, an unmerge or a partner query: the same request sent again (a
    retry after a lost answer) is answered from the first, and a key already used for another action is refused."""

    class Action(models.TextChoices):
        CONFIRM = "confirm"
        REJECT = "reject"
        UNMERGE = "unmerge"
        CLK_QUERY = "clk_query"

    key = models.CharField(max_length=80, unique=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_id = models.UUIDField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
