"""Second factors: one TOTP authenticator per staff account, plus one-time recovery codes."""

from __future__ import annotations

import secrets

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coresponse.accounts.models import User

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    """The user's enrolled authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The authenticator being enrolled (created on first use; not valid until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def has_second_factor(user: User) -> bool:
    return confirmed_totp_device(user) is not None


def normalize_code(raw: str) -> str:
    """Codes are typed on phones: ignore spaces and dashes, compare lower-case."""
    return "".join(raw.split()).replace("-", "").lower()


@transaction.atomic
def verify_second_factor(user: User, raw_code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts this code: the authenticator, else an unused recovery code."""
    code = normalize_code(raw_code)
    if not code:
        return None
    totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if totp is not None and code.isdigit() and totp.verify_token(code):
        return totp
    for device in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrol_with_secret(user: User, hex_key: str) -> TOTPDevice:
    """Give a user a confirmed authenticator with a known secret (demo data and tests)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, key=hex_key, confirmed=True
    )


def current_code(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code an authenticator app shows now (for the demo command and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + step_offset * device.step
    return f"{totp.token():0{device.digits}d}"


def reset_second_factor(user: User) -> None:
    """Remove every device: the user enrols again at the next log-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def qr_svg(uri: str) -> str:
    """An inline SVG QR code of the otpauth URI (no image request, no script)."""
    import segno

    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def base32_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))
