from tests.conftest import make_app
from trainingapp.extensions import db
from trainingapp.models import Team
from trainingapp.services import accounts


def test_user_create_prompts_for_the_password(app, runner):
    runner.invoke(args=["demo", "seed"])
    result = runner.invoke(
        args=["user", "create", "--employee-no", "T0100", "--full-name", "Wu Fang",
              "--role", "supervisor", "--team", "hotline-1", "--position", "hotline-agent",
              "--supervises", "hotline-1", "--hire-date", "2026-03-01"],
        input="a fine passphrase\na fine passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created T0100 (supervisor, trainee)" in result.output
    with app.app_context():
        user = accounts.get_by_employee_no("T0100")
        db.session.refresh(user, ["supervised_teams"])
        assert [t.code for t in user.supervised_teams] == ["hotline-1"]
        assert str(user.hire_date) == "2026-03-01"


def test_user_create_reports_bad_input_and_creates_nothing(app, runner):
    weak = runner.invoke(args=["user", "create", "--employee-no", "T0101", "--full-name", "X",
                               "--password", "password"])
    assert weak.exit_code == 1 and "most common" in weak.output
    unknown_team = runner.invoke(args=["user", "create", "--employee-no", "T0101",
                                       "--full-name", "X", "--team", "nowhere",
                                       "--password", "a fine passphrase"])
    assert unknown_team.exit_code == 2 and "unknown code 'nowhere'" in unknown_team.output
    with app.app_context():
        assert accounts.get_by_employee_no("T0101") is None


def test_set_password_and_deactivate(app, runner, make_user):
    user = make_user()
    result = runner.invoke(args=["user", "set-password", user.employee_no],
                           input="my new passphrase\nmy new passphrase\n")
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["user", "deactivate", user.employee_no]).exit_code == 0
    with app.app_context():
        refreshed = accounts.get_by_employee_no(user.employee_no)
        assert not refreshed.is_active
    missing = runner.invoke(args=["user", "deactivate", "NOBODY"])
    assert missing.exit_code == 1 and "no user with employee number" in missing.output


def test_demo_seed_prints_the_logins(runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0
    assert "demo-pass-2026" in result.output
    for employee_no in ("T0001", "S0001", "H0001", "A0001"):
        assert employee_no in result.output


def test_demo_seed_is_refused_in_production(migrated_url):
    app = make_app(migrated_url, ENV_NAME="production")
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1 and "Refused" in result.output


def test_teams_and_positions_from_the_command_line(app, runner):
    runner.invoke(args=["demo", "seed"])
    made = runner.invoke(args=["team", "create", "hall-west", "--name", "West hall",
                               "--name-zh", "西区营业厅", "--site", "West"])
    assert made.exit_code == 0 and "Added the team hall-west (West hall)." in made.output
    taken = runner.invoke(args=["team", "create", "hall-west", "--name", "Again"])
    assert taken.exit_code == 1 and "The code hall-west is already used." in taken.output
    renamed = runner.invoke(args=["team", "rename", "hall-west", "--name", "West business hall"])
    assert "Changed name of hall-west." in renamed.output
    assert "Deactivated hall-west." in runner.invoke(
        args=["team", "deactivate", "hall-west"]).output
    assert "Nothing changed." in runner.invoke(args=["team", "deactivate", "hall-west"]).output
    position = runner.invoke(args=["position", "create", "night-agent", "--name-en",
                                   "Night agent", "--name-zh", "夜班客服"])
    assert position.exit_code == 0, position.output
    assert "Changed name_zh of night-agent." in runner.invoke(
        args=["position", "rename", "night-agent", "--name-zh", "夜班客服代表"]).output
    assert "Reactivated hall-west." in runner.invoke(
        args=["team", "reactivate", "hall-west"]).output
    with app.app_context():
        team = db.session.scalar(db.select(Team).where(Team.code == "hall-west"))
        assert (team.name, team.name_zh, team.is_active) == ("West business hall", "西区营业厅",
                                                             True)
