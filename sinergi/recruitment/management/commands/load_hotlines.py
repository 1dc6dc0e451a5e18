from django.core.management.base import BaseCommand

from sinergi.recruitment.hotlines import hotlines_load


class Command(BaseCommand):
    help = ("Load the shipped hotline directory after load_reference (idempotent): adds what is missing, sets right "
            "entries still as an earlier version shipped them, never overwrites an administrator's change.")

    def handle(self, *args, **options):
        self.stdout.write(f"hotlines: {hotlines_load()} added or set right")
