"""Staff accounts and the memberships every access decision derives from."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from coresponse.programs.models import Department, Organization, Program


class User(AbstractUser):
    """A staff account. People served are `people.Person`, never users."""

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    SUPERVISOR = "supervisor", "Supervisor (program clinical lead)"
    OFFICER = "officer", "Police officer"
    LIAISON = "liaison", "Department liaison (police command)"
    ANALYST = "analyst", "Analyst (de-identified aggregates)"
    TTAC = "ttac", "Training and technical assistance staff"
    ADMINISTRATOR = "administrator", "Administrator"


# The scope each role's membership must name; see accounts/README.md.
PROGRAM_ROLES = {Role.CLINICIAN, Role.SUPERVISOR}
DEPARTMENT_ROLES = {Role.OFFICER, Role.LIAISON}
ORGANIZATION_ROLES = {Role.TTAC, Role.ADMINISTRATOR}


class Membership(models.Model):
    """User × role × scope. A user may hold several memberships."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["clinician", "supervisor"])
                | models.Q(program__isnull=False, department__isnull=True),
                name="membership_program_roles_name_a_program",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["officer", "liaison"])
                | models.Q(department__isnull=False, program__isnull=True),
                name="membership_department_roles_name_a_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["ttac", "administrator"])
                | models.Q(department__isnull=True, program__isnull=True),
                name="membership_organization_roles_are_organization_wide",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="analyst")
                | models.Q(department__isnull=True)
                | models.Q(program__isnull=True),
                name="membership_analyst_one_scope",
            ),
        ]

    def __str__(self) -> str:
        scope = self.program or self.department or self.organization
        return f"{self.user} — {self.get_role_display()} — {scope}"


class LoginFailure(models.Model):
    """One failed log-in step (password or second factor) for a username.

    Lockout counts these per account, never per address: one police station shares one
    address, and a colleague's typing must not lock everybody out.
    """

    username = models.CharField(max_length=150, db_index=True)
    occurred_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=64)
    step = models.CharField(max_length=10, default="password")

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.username} failed {self.step} at {self.occurred_at:%Y-%m-%d %H:%M}"


class BreakGlassGrant(models.Model):
    """Emergency access of one clinician to one person outside her scope, for a short time."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "expires_at"], name="break_glass_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("granted_at")),
                name="break_glass_expires_after_grant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → person {self.person_id} until {self.expires_at:%H:%M}"
