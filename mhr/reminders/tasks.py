"""The daily jobs as django-tasks tasks. `mhr scheduler` claims a JobRun row and queues one.

Each task records its outcome on the JobRun it was queued for, so an operator sees in the admin
which day each job ran and what it did.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from mhr.reminders.models import JobRun


def _run(job_run_id: int, work: Callable[[datetime.date], dict[str, Any]]) -> dict[str, Any]:
    run = JobRun.objects.get(pk=job_run_id)
    try:
        result = work(run.day)
    except Exception as exc:
        run.status = JobRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    run.status = JobRun.Status.SUCCEEDED
    run.result = result
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "finished_at"])
    return result


def _reevaluate(day: datetime.date) -> dict[str, Any]:
    from mhr.campaigns.selectors import compliance_cache_warm
    from mhr.campaigns.services.pledges import pledges_reevaluate

    result = dict(pledges_reevaluate(as_of=day))
    # Every pledge's result for the new day, so the first dashboard of the day is fast too.
    result["results_cached"] = compliance_cache_warm(as_of=day)
    return result


def _remind(day: datetime.date) -> dict[str, Any]:
    from mhr.reminders.services import reminders_run

    return reminders_run(as_of=day).as_dict()


def _disable_inactive(day: datetime.date) -> dict[str, Any]:
    # The same service as `mhr disable_inactive_users`.
    from mhr.accounts.security import users_disable_inactive

    days = settings.ACCOUNT_INACTIVITY_DAYS
    users = users_disable_inactive(as_of=timezone.now(), days=days)
    return {"disabled": len(users), "days": days}


@task()
def reevaluate_pledges_task(job_run_id: int) -> dict[str, Any]:
    return _run(job_run_id, _reevaluate)


@task()
def send_reminders_task(job_run_id: int) -> dict[str, Any]:
    return _run(job_run_id, _remind)


@task()
def disable_inactive_users_task(job_run_id: int) -> dict[str, Any]:
    return _run(job_run_id, _disable_inactive)


# In the order they run each day: lapses are decided before the reminders go out.
DAILY_TASKS = {
    JobRun.Job.REEVALUATE_PLEDGES: reevaluate_pledges_task,
    JobRun.Job.SEND_REMINDERS: send_reminders_task,
    JobRun.Job.DISABLE_INACTIVE_USERS: disable_inactive_users_task,
}
