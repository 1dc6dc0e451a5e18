from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sinergi.audit"
    label = "audit"

    def ready(self):
        from sinergi.core import jobs, keys

        from . import checkpoints, selectors

        jobs.register("audit checkpoint", checkpoints.checkpoint_if_due)
        # Audit keys stay for as long as rows name them: a chain cannot be re-keyed without rewriting it, so
        # there is nothing to re-encrypt (``None``).
        keys.register_usage("audit", keys.Usage("audit rows", selectors.audit_rows_per_key, None))
        # Sealed search terms in audit rows use the field key; the rows are hashed, so they are never re-sealed
        # and a field key stays while any row names it.
        keys.register_usage("field", keys.Usage("audit search terms", selectors.sealed_terms_per_key, None))
        keys.register_usage("checkpoint", keys.Usage("checkpoint files", checkpoints.checkpoints_per_signer, None))
        keys.AFTER_ROTATION["checkpoint"] = lambda: ("give the checkpoint verifiers the new public keys:\n"
                                                     + checkpoints.public_keys_text())
