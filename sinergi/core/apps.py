from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sinergi.core"
    label = "core"
    verbose_name = "Sinergi core"

    def ready(self):
        from . import keys, rekey

        # Every encrypted column of every app, found through its field type (no app is imported here).
        for purpose in ("field", "exchange"):
            keys.register_usage(purpose, keys.Usage(
                "encrypted fields", lambda p=purpose: rekey.count_sealed(p),
                lambda progress, p=purpose: rekey.reencrypt(p, progress)))
        keys.register_usage("index", keys.Usage("lookup digests", rekey.count_digests, rekey.redigest))
