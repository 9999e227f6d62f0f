"""The matrix works a cell's status out in SQL, the training record with
``rules.certification.evaluate``: at every boundary both say the same, and what this test
says it should be (comparing the two alone would pass if both were wrong)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import sync_fixture_bank
from trainingapp.extensions import db
from trainingapp.models import CertificateSource, Certification, User
from trainingapp.queries import matrix
from trainingapp.rules.certification import add_months
from trainingapp.services import certification

END = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # the first certificate's expiry
START = add_months(END, -12)  # hotline-agent: valid 12 months, renewal window 60 days
WINDOW = END - timedelta(days=60)
SECOND = timedelta(seconds=1)
EXEMPTION = CertificateSource.EXEMPTION


@dataclass(frozen=True)
class Cert:
    valid_from: datetime
    expires_at: datetime | None
    revoked_at: datetime | None = None
    source: CertificateSource = CertificateSource.EARNED


FIRST = Cert(START, END)
RENEWAL = Cert(END, add_months(END, 12))
LAPSED_THEN_RENEWED = Cert(END + timedelta(days=30), add_months(END + timedelta(days=30), 12))
REVOKED = Cert(START, END, revoked_at=END - timedelta(days=100))
EXEMPT = Cert(START, None, source=EXEMPTION)
LATER = Cert(START + timedelta(days=10), END + timedelta(days=10))  # recorded outside

CASES = {
    # name: (certificates, now, matrix status, until)
    "never certified": ((), END, "none", None),
    "before the window opens": ((FIRST,), WINDOW - SECOND, "certified", END),
    "as the window opens": ((FIRST,), WINDOW, "renewal_due", END),
    "after the window opened": ((FIRST,), WINDOW + SECOND, "renewal_due", END),
    "before the expiry instant": ((FIRST,), END - SECOND, "renewal_due", END),
    "at the expiry instant": ((FIRST,), END, "expired", END),
    "after the expiry instant": ((FIRST,), END + SECOND, "expired", END),
    "before its revocation": ((REVOKED,), REVOKED.revoked_at - SECOND, "certified", END),
    "at its revocation": ((REVOKED,), REVOKED.revoked_at, "revoked", None),
    "after its revocation": ((REVOKED,), REVOKED.revoked_at + SECOND, "revoked", None),
    "revoked after it expired": ((Cert(START, END, END + SECOND),), END + 2 * SECOND,
                                 "revoked", None),
    "revoked at the instant another expired": (
        (Cert(add_months(START, -12), START), Cert(START, END, revoked_at=START)),
        START + SECOND, "revoked", None),
    "expired after a revocation": ((Cert(add_months(START, -12), START, START - SECOND),
                                    Cert(START, END)), END, "expired", END),
    "exempted": ((EXEMPT,), END, "certified", None),
    "exempted, then certified elsewhere": ((EXEMPT, LATER), LATER.expires_at - SECOND,
                                           "renewal_due", LATER.expires_at),
    "exempted, after the other certificate ended": ((EXEMPT, LATER), LATER.expires_at,
                                                    "certified", None),
    "renewed, in the old window": ((FIRST, RENEWAL), WINDOW, "certified", RENEWAL.expires_at),
    "renewed, at the old expiry": ((FIRST, RENEWAL), END, "certified", RENEWAL.expires_at),
    "renewed, the new window opens": (
        (FIRST, RENEWAL), RENEWAL.expires_at - timedelta(days=60), "renewal_due",
        RENEWAL.expires_at),
    "renewed, then the old one revoked": (
        (Cert(START, END, revoked_at=WINDOW + SECOND), RENEWAL), WINDOW + 2 * SECOND,
        "revoked", None),
    "renewed, the old one revoked, the renewal starts": (
        (Cert(START, END, revoked_at=WINDOW + SECOND), RENEWAL), END, "certified",
        RENEWAL.expires_at),
    "renewal revoked: the chain ends with the old one": (
        (FIRST, Cert(END, RENEWAL.expires_at, revoked_at=WINDOW)), WINDOW + SECOND,
        "renewal_due", END),
    "lapsed": ((FIRST, LAPSED_THEN_RENEWED), END + timedelta(days=10), "expired", END),
    "lapsed, then renewed": ((FIRST, LAPSED_THEN_RENEWED), LAPSED_THEN_RENEWED.valid_from,
                             "certified", LAPSED_THEN_RENEWED.expires_at),
}


@pytest.fixture
def person(app, make_user):
    sync_fixture_bank(app, "cert_bank")
    return make_user("B001")


def _cell(user_id: int, now: datetime) -> tuple[str, datetime | None]:
    track = certification.get_track("hotline-agent")
    cells = matrix._cells(now, [user_id])
    assert cells is not None
    (status, until), = [(status, until) for _, track_id, status, until
                        in db.session.execute(cells) if track_id == track.id]
    return status, (None if until == matrix.FOREVER else until)


def _rules_say(user_id: int, now: datetime) -> tuple[str, datetime | None]:
    decision = certification.status_of(db.session.get(User, user_id), now) \
        .clearance.tracks["hotline-agent"]
    shown = decision.status.value  # the matrix names not started and in progress alike
    return (shown if shown in matrix.STATUSES else matrix.NOT_CERTIFIED), decision.until


@pytest.mark.parametrize(("certs", "now", "status", "until"), CASES.values(), ids=CASES.keys())
def test_the_matrix_and_the_rules_agree_at_every_boundary(app, person, certs, now, status,
                                                          until):
    with app.app_context():
        track = certification.get_track("hotline-agent")
        db.session.add_all([Certification(
            user_id=person.id, track_id=track.id, source=c.source, awarded_at=c.valid_from,
            valid_from=c.valid_from, expires_at=c.expires_at, revoked_at=c.revoked_at)
            for c in certs])
        db.session.commit()
        assert _cell(person.id, now) == _rules_say(person.id, now) == (status, until)


def test_a_reinstated_certificate_reads_as_if_never_revoked(app, person, make_user):
    admin = make_user("B002")
    with app.app_context():
        track = certification.get_track("hotline-agent")
        cert = Certification(user_id=person.id, track_id=track.id, source=FIRST.source,
                             valid_from=FIRST.valid_from, expires_at=FIRST.expires_at)
        db.session.add(cert)
        db.session.commit()
        actor = db.session.get(User, admin.id)
        certification.revoke(actor, cert, "an incident", REVOKED.revoked_at)
        db.session.commit()
        now = REVOKED.revoked_at + SECOND
        assert _cell(person.id, now) == _rules_say(person.id, now) == ("revoked", None)
        certification.reinstate(actor, cert, "cleared on review")
        db.session.commit()
        for now, status in ((WINDOW - SECOND, "certified"), (WINDOW, "renewal_due"),
                            (END, "expired")):
            assert _cell(person.id, now) == _rules_say(person.id, now) == (status, END)
