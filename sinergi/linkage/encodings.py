"""The encodings of our own persons that a partner's query is compared with, kept between queries.

Encoding a record costs a few hundred microseconds (the name normalised, some hundred HMACs), and a partner's
query is compared with every person our agencies hold: without a store each query encoded them all again.
``PersonEncoding`` keeps, per person and partner key, the encoding of each record (the full name and each alias,
with sex and birth date) and the keyed digest of what was encoded (``ClkEncoder.record_digest``, one HMAC). A
query reads the persons, computes only the digests and encodes only the records whose digest is not stored: a new
person, or one whose name, aliases, sex or birth date changed (through a service or not). Rows that no longer
match a record (a changed or removed name, a person merged away or no longer held) are deleted, and so are the
rows of a key no longer agreed with any partner; a rotated key has a new ``key_id`` and starts afresh.
The store is as sensitive as the encodings themselves (see the README's "Across borders without sending names")."""

from __future__ import annotations

from django.conf import settings

from .clk import ClkEncoder
from .models import PersonEncoding

MAX_RECORDS = 5  # the full name and the first aliases, as a query sends at most five


def agreed_key_ids() -> set[str]:
    return {ClkEncoder(k).key_id for k in (getattr(settings, "SINERGI_CLK_KEYS", None) or {}).values() if k}


def held_records() -> tuple[dict, dict]:
    """The records to offer a partner: ``{person_id: [record, ...]}`` of every person one of our own agencies
    holds (not merged into another), and the holders of each (``access.linkage.holders_of``, our agencies only).
    Persons known only through a partner's agencies (their stand-ins here) are the partner's own data."""
    from sinergi.access.linkage import holders_of
    from sinergi.agencies.models import Agency
    from sinergi.people.models import Person, PersonAlias

    from .merging import merged_away_ids

    own = set(Agency.objects.filter(peer__isnull=True).values_list("pk", flat=True))
    persons = list(Person.objects.exclude(pk__in=merged_away_ids())
                   .values_list("pk", "full_name", "sex", "date_of_birth"))
    holders = {pk: [a for a in agencies if a in own]
               for pk, agencies in holders_of([p[0] for p in persons]).items()}
    held = {pk for pk, agencies in holders.items() if agencies}
    aliases: dict = {}
    for person_id, name in PersonAlias.objects.order_by("created_at", "pk").values_list("person_id", "name"):
        if person_id in held:
            aliases.setdefault(person_id, []).append(name)
    records = {}
    for pk, full_name, sex, dob in persons:
        if pk in held:
            names = [full_name, *aliases.get(pk, [])][:MAX_RECORDS]
            records[pk] = [{"full_name": n, "sex": sex, "date_of_birth": dob} for n in names]
    return records, holders


def local_encodings(encoder: ClkEncoder) -> tuple[dict, dict]:
    """The encodings of our held persons under ``encoder``'s key, keyed by (person id, record digest), and the
    holders of each person; the store brought up to date on the way."""
    records, holders = held_records()
    stored = {(person_id, digest): (pk, bytes(value)) for pk, person_id, digest, value in
              PersonEncoding.objects.filter(key_id=encoder.key_id).values_list("pk", "person_id", "digest", "clk")}
    out, fresh = {}, []
    for person_id, rows in records.items():
        for record in rows:
            key = (person_id, encoder.record_digest(record))
            if key in out:
                continue  # an alias written like the full name
            if key in stored:
                out[key] = int.from_bytes(stored[key][1], "big")
                continue
            out[key] = encoder.encode(record)
            fresh.append(PersonEncoding(person_id=person_id, key_id=encoder.key_id, digest=key[1],
                                        clk=out[key].to_bytes(encoder.size // 8, "big")))
    stale = [pk for key, (pk, _clk) in stored.items() if key not in out]
    for i in range(0, len(stale), 500):
        PersonEncoding.objects.filter(pk__in=stale[i:i + 500]).delete()
    PersonEncoding.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    PersonEncoding.objects.exclude(key_id__in=agreed_key_ids()).delete()
    return out, holders
