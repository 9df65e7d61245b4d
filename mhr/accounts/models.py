from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from mhr.core.fields import EncryptedCharField

# Two letters (the state, or "NB" for Nebraska) then seven letters or digits.
ORI_PATTERN = r"^[A-Z]{2}[A-Z0-9]{7}$"
ori_validator = RegexValidator(
    ORI_PATTERN,
    "An ORI is 9 characters: two letters for the state, then seven letters or digits "
    "(for example WA0171500).",
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are matched without regard to case at sign-in.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("staff_role", User.StaffRole.ADMINISTRATOR)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    class StaffRole(models.TextChoices):
        NONE = "", "Not association staff"
        EDITOR = "editor", "Editor"
        REVIEWER = "reviewer", "Reviewer"
        ADMINISTRATOR = "administrator", "Administrator"

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    title = models.CharField("job title", max_length=150, blank=True)
    staff_role = models.CharField(
        max_length=16, choices=StaffRole.choices, default=StaffRole.NONE, blank=True
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Can sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when too many sign-ins fail; only a coordinator or staff administrator clears it.
    locked_at = models.DateTimeField(null=True, blank=True)
    # Raised on sign-out and deactivation: every session started under an older value ends.
    session_epoch = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(staff_role__in=["", "editor", "reviewer", "administrator"]),
                name="accounts_user_staff_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else self.email).strip()

    @property
    def is_association_staff(self) -> bool:
        return bool(self.staff_role) and self.is_active

    @property
    def is_editor(self) -> bool:
        return self.is_active and self.staff_role in {
            self.StaffRole.EDITOR,
            self.StaffRole.ADMINISTRATOR,
        }

    @property
    def is_reviewer(self) -> bool:
        return self.is_active and self.staff_role in {
            self.StaffRole.REVIEWER,
            self.StaffRole.ADMINISTRATOR,
        }

    @property
    def is_staff_administrator(self) -> bool:
        return self.is_active and self.staff_role == self.StaffRole.ADMINISTRATOR


class Agency(models.Model):
    """A law-enforcement agency: the tenant that owns rosters, pledges and encounter data."""

    class AgencyType(models.TextChoices):
        CITY = "city", "City or municipal police"
        COUNTY = "county", "County sheriff or police"
        STATE_POLICE = "state_police", "State police or highway patrol"
        OTHER_STATE = "other_state", "Other state agency"
        UNIVERSITY = "university", "University or college police"
        TRIBAL = "tribal", "Tribal police"
        FEDERAL = "federal", "Federal agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    ori = models.CharField(
        "ORI",
        max_length=9,
        unique=True,
        validators=[ori_validator],
        help_text="The FBI Originating Agency Identifier, 9 characters.",
    )
    state = models.CharField(max_length=2, help_text="Two-letter postal code, e.g. WA.")
    county = models.CharField(max_length=200, blank=True)
    agency_type = models.CharField(max_length=16, choices=AgencyType.choices)
    sworn_headcount = models.PositiveIntegerField(
        null=True, blank=True, help_text="Sworn officers, as the agency reports it."
    )
    website = models.URLField(blank=True)
    address_line = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ori__regex=ORI_PATTERN), name="accounts_agency_ori_format"
            ),
            models.CheckConstraint(
                condition=models.Q(state__regex=r"^[A-Z]{2}$"), name="accounts_agency_state_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ori})"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_agency(self, agency: Agency) -> MembershipQuerySet:
        return self.filter(agency=agency)


class Membership(models.Model):
    """Links a user to the one agency they work for, with their role there."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        COORDINATOR = "coordinator", "Coordinator"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["member", "coordinator"]),
                name="accounts_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.agency.name}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_agency(self, agency: Agency) -> ApiTokenQuerySet:
        return self.filter(agency=agency)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored; the secret is shown once."""

    PREFIX = "mhr_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'RMS export'.")
    # The first characters of the secret, so a user can tell tokens apart without the secret.
    lookup_prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.lookup_prefix}…)"

    @staticmethod
    def digest_for(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SignInAttempt(models.Model):
    """Every password check, kept to enforce lockout and per-address limits."""

    email = models.CharField(max_length=254)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    succeeded = models.BooleanField()
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["email", "occurred_at"], name="signin_email_time_idx"),
            models.Index(fields=["ip_address", "occurred_at"], name="signin_ip_time_idx"),
        ]

    def __str__(self) -> str:
        outcome = "ok" if self.succeeded else "failed"
        return f"{self.email} {outcome} {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class TotpDevice(models.Model):
    """A user's authenticator app (RFC 6238 TOTP). Confirmed once the user enters a first code."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    # Encrypted at rest: a copy of the database alone cannot mint sign-in codes.
    secret = EncryptedCharField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The last accepted 30-second step: a code from this step or earlier is a replay.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Authenticator for {self.user}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator is lost. Only its digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="accounts_recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"Recovery code for {self.user}"
