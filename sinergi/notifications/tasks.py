from django.tasks import task


@task
def deliver(delivery_id: str) -> str:
    from .services import delivery_attempt

    return delivery_attempt(delivery_id)
