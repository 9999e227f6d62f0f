"""A new hire reads a learning module, in English and then in Chinese."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, serious_violations, sign_in


def test_trainee_reads_a_module_in_both_languages(page, new_trainee):
    sign_in(page, new_trainee)
    expect(page.get_by_role("heading", name="Learning modules")).to_be_visible()
    page.get_by_role("link", name="Service etiquette and communication").click()
    expect(page.get_by_role("heading", name="Service etiquette and communication")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "module")

    lessons = page.locator(".lesson-list a")
    first_title = lessons.first.inner_text()
    lessons.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first_title)
    expect(page.get_by_text("Lesson 1 of")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "lesson")

    page.get_by_role("button", name="Mark as read and continue").click()
    expect(page.get_by_text("Lesson 2 of")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_text("第 2 课")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert serious_violations(page) == []
    screenshot(page, "lesson-zh")

    page.get_by_role("link", name="服务礼仪与沟通").first.click()
    expect(page.locator(".lesson-list li").first.get_by_text("已读")).to_be_visible()

    page.get_by_role("link", name="我的培训").first.click()
    expect(page.get_by_text("已读 1 / ")).to_be_visible()
    page.get_by_role("searchbox").fill("首问负责")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("找到")
    expect(page.locator(".results li").first).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "search-zh")
