"""Test helpers shared by the analytics, web and API tests: a generated world on light reference data."""

from __future__ import annotations

from sinergi.analytics.refresh import analytics_refresh


def light_reference() -> None:
    from sinergi.demo import data
    from sinergi.regions.models import Region
    from sinergi.regions.services import countries_load, regions_load

    if Region.objects.filter(level=4).exists():
        return  # the test session loaded the full reference data already
    countries_load()
    regions_load(levels=(1, 2))
    regencies = sorted({code for table in data.REGENCIES.values() for code, _ in table})
    Region.objects.bulk_create([Region(code=f"{r}.01", parent_id=r, level=3, name=f"Kecamatan {r}")
                                for r in regencies] + [Region(code="53.01.08", parent_id="53.01", level=3,
                                                              name="Kupang Tengah")])
    Region.objects.bulk_create([Region(code=f"{r}.01.2001", parent_id=f"{r}.01", level=4, name=f"Desa {r}")
                                for r in regencies] + [Region(code="53.01.08.2008", parent_id="53.01.08", level=4,
                                                              name="Noelbaki")])


def generated_world(cases: int = 350, seed: int = 12) -> None:
    """Cases, stage stays and referrals over four years (the demo's bulk generator), and fresh read models."""
    from sinergi.demo.services import generate

    light_reference()
    generate(cases, seed=seed, batch=cases)
    analytics_refresh(force=True)
