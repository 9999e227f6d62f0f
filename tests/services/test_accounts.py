import pytest
from sqlalchemy import func, select

from trainingapp.extensions import db
from trainingapp.models import AuditEvent, Role, Team, User
from trainingapp.ops import demo
from trainingapp.services import accounts


def test_employee_numbers_are_unique(app, make_user):
    make_user("T5000")
    with app.app_context(), pytest.raises(accounts.AccountError, match="already taken"):
        accounts.create_user(employee_no="T5000", full_name="Someone", password="a fine passphrase")


def test_create_refuses_a_weak_password_and_writes_nothing(app):
    with app.app_context():
        with pytest.raises(accounts.PasswordRejected):
            accounts.create_user(employee_no="T5001", full_name="Someone", password="12345678")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_trainee_role_is_implied_and_never_stored(app):
    with app.app_context():
        user = accounts.create_user(employee_no="S5000", full_name="Sup", password="a fine passphrase",
                                 roles=[Role.SUPERVISOR, Role.TRAINEE])
        assert user.roles == {Role.TRAINEE, Role.SUPERVISOR}
        assert [row.role for row in user.role_rows] == [Role.SUPERVISOR]


def test_set_password_ends_sessions_and_is_audited(app, make_user):
    user = make_user()
    with app.app_context():
        fresh = db.session.get(User, user.id)
        token = fresh.session_token
        accounts.set_password(fresh, "another fine passphrase")
        db.session.commit()
        assert fresh.session_token != token
        assert accounts.load_for_session(user.id, token, "any") is None
        assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
            "password_changed")


def test_demo_seed_is_idempotent(app):
    with app.app_context():
        first = demo.seed()
        db.session.commit()
        second = demo.seed()
        db.session.commit()
        assert [created for _, created in first] == [True] * 4
        assert [created for _, created in second] == [False] * 4
        assert db.session.scalar(select(func.count()).select_from(User)) == 4
        assert db.session.scalar(select(func.count()).select_from(Team)) == 2
        supervisor = accounts.get_by_employee_no("S0001")
        trainee = accounts.get_by_employee_no("T0001")
        db.session.refresh(supervisor, ["supervised_teams"])
        assert [t.id for t in supervisor.supervised_teams] == [trainee.team_id]


def test_demo_seed_keeps_a_changed_password(app):
    with app.app_context():
        demo.seed()
        accounts.set_password(accounts.get_by_employee_no("T0001"), "my own new passphrase")
        db.session.commit()
        changed = accounts.get_by_employee_no("T0001").password_hash
        demo.seed()
        db.session.commit()
        assert accounts.get_by_employee_no("T0001").password_hash == changed
