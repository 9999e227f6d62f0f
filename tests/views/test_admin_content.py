from tests.conftest import FIXTURES, csrf_token, make_app
from trainingapp.models import Role


def test_content_page_shows_what_is_loaded(client, login_as, mini_bank):
    login_as(Role.ADMIN)
    page = client.get("/admin/content").get_data(as_text=True)
    assert "Last sync" in page and "Bank version" in page
    assert "<dt>Questions</dt><dd>2</dd>" in page


def test_running_the_check_reports_ok_or_every_problem(migrated_url, make_user):
    from tests.conftest import login

    admin = make_user(roles=(Role.ADMIN,))
    for bank, expected in (("mini_bank", "No problems: 1 modules, 2 lessons, 2 questions."),
                           ("broken_bank", "18 problems found:")):
        app = make_app(migrated_url, QUESTION_BANK=str(FIXTURES / bank))
        client = app.test_client()
        login(client, admin.employee_no)
        page = client.post("/admin/content",
                           data={"csrf_token": csrf_token(client, "/admin/content")})
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and expected in text
    assert "questions[0].stem.zh" in text and "missing translation (zh)" in text


def test_the_check_shows_what_is_worth_a_look_beside_no_problems(migrated_url, make_user,
                                                                  tmp_path):
    from tests.conftest import login
    from tests.unit.test_content_bank import _cert_bank_saying

    admin = make_user(roles=(Role.ADMIN,))
    bank = _cert_bank_saying(tmp_path, "  review: immediately\n")
    client = make_app(migrated_url, QUESTION_BANK=str(bank)).test_client()
    login(client, admin.employee_no)
    text = client.post("/admin/content", data={"csrf_token": csrf_token(
        client, "/admin/content")}).get_data(as_text=True)
    assert "No problems:" in text and "1 thing worth a look (nothing was refused):" in text
    assert "<strong>quiz.review</strong>: the track" in text and "retakes remain" in text
