"""A new hire signs in, sees their training home, switches to Chinese and signs out."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, serious_violations
from trainingapp.ops.demo import DEMO_PASSWORD


def test_trainee_signs_in_switches_language_and_signs_out(page):
    page.goto("/")
    expect(page).to_have_url("/login?next=/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "login")

    page.get_by_label("Employee number").fill("T0001")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Unknown employee number or wrong password.")).to_be_visible()
    expect(page.get_by_label("Employee number")).to_have_value("T0001")

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    expect(page.get_by_text("Hotline agent")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Quizzes")).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "home")

    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="我的培训")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert serious_violations(page) == []
    screenshot(page, "home-zh")

    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url("/login")
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.goto("/learn/")
    expect(page).to_have_url("/login?next=/learn/")


def test_home_works_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 375, "height": 740},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Employee number").fill("S0001")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My team")).to_be_visible()
    expect(page.get_by_role("cell", name="T0001")).to_be_visible()
    # nothing wider than the screen but the table's own scroll area
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert serious_violations(page) == []
    screenshot(page, "supervisor-phone")
    context.close()


def test_signing_out_here_leaves_the_other_device_signed_in(browser, live_server, page,
                                                            new_trainee):
    from tests.e2e.conftest import sign_in

    phone = browser.new_context(base_url=live_server, locale="en-GB").new_page()
    for device in (page, phone):
        sign_in(device, new_trainee)
        expect(device.get_by_role("heading", name="My training")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    phone.goto("/learn/")
    expect(phone.get_by_role("heading", name="My training")).to_be_visible()

    sign_in(page, new_trainee)
    expect(page.get_by_role("heading", name="My training")).to_be_visible()
    phone.goto("/account/password")
    expect(phone.get_by_role("heading", name="Sign out everywhere")).to_be_visible()
    assert serious_violations(phone) == []
    screenshot(phone, "sign-out-everywhere")
    phone.get_by_role("button", name="Sign out everywhere").click()
    expect(phone.get_by_text("You have signed out on every device.")).to_be_visible()
    page.goto("/learn/")
    expect(page).to_have_url("/login?next=/learn/")
    phone.context.close()
