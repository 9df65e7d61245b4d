"""Create the load test's accounts: members and coordinators of demo agencies, each with an
authenticator (known secret) and an API token. Prints them as JSON. Run inside Django."""

from __future__ import annotations

import json
import sys

import django

django.setup()

from mhr.accounts import mfa  # noqa: E402
from mhr.accounts.models import Agency, Membership  # noqa: E402
from mhr.accounts.services import api_token_create, membership_create, user_create  # noqa: E402

PASSWORD = "load-test-password-1"


def main(count: int) -> None:
    # The demo agencies with crisis-encounter data first, then others with a pledge.
    with_data = list(Agency.objects.filter(encounters__isnull=False).distinct().order_by("pk"))
    pledged = Agency.objects.filter(pledges__isnull=False).exclude(pk__in=[a.pk for a in with_data])
    agencies = (with_data + list(pledged.distinct().order_by("pk")))[:4]
    agencies = agencies or list(Agency.objects.order_by("pk")[:4])
    accounts = []
    for number in range(count):
        agency = agencies[number % len(agencies)]
        role = Membership.Role.COORDINATOR if number % 5 == 0 else Membership.Role.MEMBER
        user = user_create(email=f"load{number}@load.mhr.invalid", password=PASSWORD)
        membership_create(user=user, agency=agency, role=role)
        device = mfa.totp_device_start(user=user)
        # Confirm with the previous step's code so the first sign-in can use the current one.
        mfa.totp_device_confirm(
            device=device, code=mfa.code_at_step(device.secret, mfa.current_step() - 1)
        )
        _token, secret = api_token_create(user=user, agency=agency, name="load test")
        accounts.append(
            {
                "email": user.email,
                "password": PASSWORD,
                "totp_secret": device.secret,
                "role": role,
                "token": secret,
                "ori": agency.ori,
            }
        )
    json.dump(accounts, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]))
