from django.tasks import task


@task
def import_run(job_id: str) -> str:
    from .uploads import import_job_run

    return import_job_run(job_id)
