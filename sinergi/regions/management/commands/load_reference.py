from django.core.management.base import BaseCommand

from sinergi.regions.services import countries_load, regions_load


class Command(BaseCommand):
    help = "Load Indonesia's administrative regions and the ISO 3166 countries (idempotent)."

    def handle(self, *args, **options):
        n = countries_load()
        self.stdout.write(f"countries: {n} added")
        counts = regions_load(progress=lambda label, k: self.stdout.write(f"{label}: {k} added"))
        self.stdout.write(self.style.SUCCESS(f"regions loaded: {counts}"))
