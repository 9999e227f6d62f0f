import pytest
from argon2 import PasswordHasher
from argon2 import extract_parameters

from trainingapp.rules.passwords import (
    HashCost,
    PolicyViolation,
    check_policy,
    hash_password,
    is_usable,
    unusable_hash,
    verify_password,
)

PRODUCTION_COST = HashCost()
CHEAP = HashCost(memory_kib=1024, time_cost=1)


def test_default_cost_meets_the_owasp_floor():
    assert PRODUCTION_COST.memory_kib >= 19 * 1024
    assert PRODUCTION_COST.time_cost >= 2


def test_hash_is_argon2id_with_the_configured_parameters():
    hashed = hash_password("a long passphrase", PRODUCTION_COST)
    assert hashed.startswith("$argon2id$")
    params = extract_parameters(hashed)
    assert (params.memory_cost, params.time_cost) == (19456, 2)


def test_verify_accepts_the_password_and_rejects_others():
    hashed = hash_password("a long passphrase", PRODUCTION_COST)
    assert verify_password(hashed, "a long passphrase", PRODUCTION_COST).ok
    assert not verify_password(hashed, "a long passphrasE", PRODUCTION_COST).ok
    assert not verify_password("not-a-hash", "anything", PRODUCTION_COST).ok


def test_a_hash_made_with_older_parameters_needs_rehash():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("a long passphrase")
    result = verify_password(old, "a long passphrase", PRODUCTION_COST)
    assert result.ok and result.needs_rehash
    current = hash_password("a long passphrase", PRODUCTION_COST)
    assert not verify_password(current, "a long passphrase", PRODUCTION_COST).needs_rehash


@pytest.mark.parametrize(
    ("password", "violation"),
    [
        ("short7!", PolicyViolation.TOO_SHORT),
        ("x" * 257, PolicyViolation.TOO_LONG),
        ("password", PolicyViolation.TOO_COMMON),
        ("Password1", PolicyViolation.TOO_COMMON),
        ("qwertyuiop", PolicyViolation.TOO_COMMON),
        ("t0042-my-own-words", PolicyViolation.SAME_AS_LOGIN),
    ],
)
def test_policy_refuses(password, violation):
    assert check_policy(password, "T0042") == violation


@pytest.mark.parametrize(
    "password",
    [
        "demo-pass-2026",
        "blue kettle under the stairs",  # long passphrases are welcome
        "我的密码是长城八达岭2026",
        "y" * 256,
    ],
)
def test_policy_accepts(password):
    assert check_policy(password, "T0042") is None


def test_an_unusable_hash_verifies_nothing_and_is_never_an_argon2_hash():
    marker = unusable_hash()
    assert not is_usable(marker) and is_usable(hash_password("x" * 12, CHEAP))
    assert marker != unusable_hash()
    assert not verify_password(marker, marker, CHEAP).ok
    assert not verify_password(marker, "", CHEAP).ok
