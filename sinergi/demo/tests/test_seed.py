"""Demo seeding: idempotent, every role present, a believable and consistent history."""

import datetime as dt
import random

import pytest
from django.utils import timezone

from sinergi.agencies.enums import Role
from sinergi.agencies.models import Agency, ContactPoint, Membership, Office, User
from sinergi.audit.models import AuditEvent
from sinergi.cases.enums import ALLOWED_TRANSITIONS, Outcome, Stage
from sinergi.cases.models import Case, ServiceDelivery, StageEntry, TimelineEvent
from sinergi.demo import data, story
from sinergi.demo.agencies import AGENCIES, DEMO_PASSWORD, LEAD_AGENCY
from sinergi.demo.services import demo_seed
from sinergi.intake.models import Report, Screening
from sinergi.people.models import Person

pytestmark = pytest.mark.django_db


def _counts():
    return {m.__name__: m.objects.count() for m in (Agency, Office, ContactPoint, User, Membership, Case, Person,
                                                    Report, Screening, StageEntry, TimelineEvent, AuditEvent)}


def test_seeding_twice_changes_nothing():
    first = demo_seed(cases=8, seed=11)
    assert first.created_realistic == 8
    before = _counts()
    again = demo_seed(cases=8, seed=11)
    assert (again.created_realistic, again.created_bulk, again.total_cases) == (0, 0, 8)
    assert _counts() == before
    assert before["Agency"] == len(AGENCIES)
    assert Office.objects.filter(agency__code="kbri-phnom-penh", country_id="KH").exists()


def test_topping_up_adds_only_the_missing_cases():
    demo_seed(cases=4, seed=3)
    result = demo_seed(cases=7, seed=3)
    assert result.created_realistic == 3
    assert Case.objects.count() == 7


def test_every_role_has_a_demo_user_in_the_lead_agency_who_can_sign_in():
    demo_seed(cases=0)
    roles = set(Membership.objects.filter(agency__code=LEAD_AGENCY, is_active=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    for m in Membership.objects.filter(agency__code=LEAD_AGENCY).select_related("user"):
        assert m.user.check_password(DEMO_PASSWORD)
    # Agencies and accounts were created through the services: each has its audit row.
    assert AuditEvent.objects.filter(object_type="agency", action="create").count() == len(AGENCIES)
    assert AuditEvent.objects.filter(object_type="membership").count() == Membership.objects.count()


def test_stage_dates_follow_each_other_and_are_never_in_the_future():
    demo_seed(cases=20, seed=7)
    now = timezone.now()
    assert Case.objects.count() == 20
    for case in Case.objects.all():
        entries = list(StageEntry.objects.filter(case=case).order_by("entered_at"))
        assert entries[0].stage == Stage.REPORTED
        assert timezone.localdate(entries[0].entered_at) == case.reported_on
        for prev, nxt in zip(entries, entries[1:]):
            assert prev.entered_at < nxt.entered_at
            assert prev.left_at == nxt.entered_at
            assert Stage(nxt.stage) in ALLOWED_TRANSITIONS[Stage(prev.stage)]
        assert entries[-1].left_at is None and entries[-1].stage == case.stage
        assert case.stage_entered_at == entries[-1].entered_at <= now
        assert (case.stage == Stage.CLOSED) == bool(case.outcome)
        if case.recruited_on:
            assert case.recruited_on <= case.exploitation_started_on <= case.reported_on
        if case.exploitation_ended_on:
            assert case.exploitation_started_on <= case.exploitation_ended_on <= now.date()
    assert not TimelineEvent.objects.filter(at__gt=now).exists()
    assert not AuditEvent.objects.filter(at__gt=now).exists()
    for s in ServiceDelivery.objects.all():
        assert s.started_on <= (s.ended_on or s.started_on) <= now.date()
        assert s.started_on >= s.case.reported_on
    # The history was written by the services: every case has its opening event and audit row.
    assert TimelineEvent.objects.filter(kind="case_opened").count() == 20
    assert AuditEvent.objects.filter(object_type="case", action="create").count() == 20


def _fake_world() -> story.World:
    villages = {code: [(f"{code}.01.2001", "Desa Uji")] for table in data.REGENCIES.values() for code, _ in table}
    return story.World(agencies={}, actors={}, villages=villages, now=timezone.now())


def test_plans_branch_and_relink_re_trafficked_survivors():
    world = _fake_world()
    stories = story.plan_stories(world, 400, seed=1)
    outcomes = {s.outcome for s in stories if s.closed_at}
    assert {Outcome.REINTEGRATED, Outcome.DECLINED_HELP, Outcome.DECEASED, Outcome.STAYS_ABROAD,
            Outcome.LOST_CONTACT, Outcome.NOT_A_VICTIM, Outcome.RETRAFFICKED} <= outcomes
    later = [s for s in stories if s.prior is not None]
    assert later
    for s in later:
        assert s.prior.name == s.name and s.prior.lead == s.lead
        assert s.steps[0].at > s.prior.reintegrated_at
    for s in stories:
        times = [step.at for step in s.steps if step.kind in ("open", "stage")]
        assert times == sorted(times) and all(t <= world.now for t in times)
    scenarios = {s.sc.key for s in stories}
    assert scenarios == set(data.SCENARIO_BY_KEY)
    countries = {s.country for s in stories}
    assert {"KH", "MY", "MM", "SA", "LA", "TH", "TW", "HK", "ID"} <= countries
    origins = {s.origin for s in stories}
    assert origins == set(data.REGENCIES)


def test_names_come_from_the_regions_groups():
    from sinergi.demo.names import GROUPS, person_name
    from sinergi.people.enums import Sex

    rng = random.Random(4)
    for group, g in GROUPS.items():
        for _ in range(50):
            name = person_name(rng, group, Sex.FEMININE)
            words = name.split()
            assert 1 <= len(words) <= 4
            if g.family:
                assert words[-1] in g.family


def test_recent_stories_stop_at_today():
    world = _fake_world()
    rng = random.Random(9)
    s = story.Story(rng, world, world.now - dt.timedelta(days=2))
    assert s.steps and all(step.at <= world.now for step in s.steps)
    # Two days cover a few moves at most; the rest of the pathway lies in the future and is not written.
    assert len([step for step in s.steps if step.kind == "stage"]) < 5
