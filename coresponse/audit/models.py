"""The append-only, HMAC-chained audit trail (SECURITY.md 13–15)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which record, when, from where, with what outcome.

    `chain_hash` is HMAC(key, previous chain_hash + this event's canonical form), so an
    edited, deleted or inserted row breaks every later link.
    """

    class Action(models.TextChoices):
        READ = "read", "Read"
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        DELETE = "delete", "Delete"
        SUBMIT = "submit", "Submit"
        LOCK = "lock", "Lock"
        AMEND = "amend", "Amend"
        EXPORT = "export", "Export"
        SEARCH = "search", "Search"
        MERGE = "merge", "Merge"
        UNMERGE = "unmerge", "Unmerge"
        LOGIN = "login", "Log-in"
        LOGIN_FAILED = "login_failed", "Failed log-in"
        LOGOUT = "logout", "Log-out"
        BREAK_GLASS = "break_glass", "Break-the-glass"
        DISCLOSE = "disclose", "Disclosure"
        IMPORT = "import", "Import"
        ADMIN = "admin", "Administration"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Success"
        DENIED = "denied", "Denied"
        FAILED = "failed", "Failed"

    occurred_at = models.DateTimeField(db_index=True)
    # DO_NOTHING: deleting a user must never rewrite audit rows (they are append-only).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    organization_id = models.BigIntegerField(null=True, blank=True)
    source = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} "
            f"{self.object_type}:{self.object_id}"
        )


class AuditHead(models.Model):
    """The last link of the chain, signed: deleting events at the tail no longer goes unseen.

    One row (id 1), rewritten with every append in the same transaction. `signature` is
    HMAC(key, "head:" + last_id + last_hash), so the head cannot be moved back without the key.
    """

    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Audit head at event {self.last_id}"
