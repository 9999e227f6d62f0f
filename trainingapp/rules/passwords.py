"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 8
MAX_LENGTH = 256  # long passphrases are welcome; the limit only bounds hashing work


@dataclass(frozen=True)
class HashCost:
    memory_kib: int = 19456  # 19 MiB
    time_cost: int = 2
    parallelism: int = 1


@dataclass(frozen=True)
class Verification:
    ok: bool
    needs_rehash: bool = False


@cache
def _hasher(cost: HashCost) -> PasswordHasher:
    return PasswordHasher(
        time_cost=cost.time_cost,
        memory_cost=cost.memory_kib,
        parallelism=cost.parallelism,
        type=Type.ID,
    )


def hash_password(password: str, cost: HashCost) -> str:
    return _hasher(cost).hash(password)


UNUSABLE = "!"  # no argon2 hash starts with it


def unusable_hash() -> str:
    """For an account whose password is set later through a one-time link: nothing
    verifies against it, and making it costs no hashing (a staff import of thousands)."""
    return UNUSABLE + secrets.token_hex(16)


def is_usable(password_hash: str) -> bool:
    return not password_hash.startswith(UNUSABLE)


def verify_password(password_hash: str, password: str, cost: HashCost) -> Verification:
    """Check a password; ``needs_rehash`` is true when the hash was made with other parameters."""
    hasher = _hasher(cost)
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return Verification(ok=False)
    return Verification(ok=True, needs_rehash=hasher.check_needs_rehash(password_hash))


class PolicyViolation(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"
    SAME_AS_LOGIN = "same_as_login"


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_policy(password: str, employee_no: str = "") -> PolicyViolation | None:
    """Return the first rule the password breaks, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return PolicyViolation.TOO_SHORT
    if len(password) > MAX_LENGTH:
        return PolicyViolation.TOO_LONG
    if password.lower() in _common_passwords():
        return PolicyViolation.TOO_COMMON
    if employee_no and employee_no.lower() in password.lower():
        return PolicyViolation.SAME_AS_LOGIN
    return None
