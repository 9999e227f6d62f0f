"""An administrator adds a person and imports a staff file, previewing it first."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, serious_violations, sign_in


def test_admin_adds_a_person_and_imports_staff(page, tmp_path):
    sign_in(page, "A0001")
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Employee number").fill("T9901")
    page.get_by_label("Name").fill("Deng Hui")
    page.get_by_label("Position").select_option("hotline-agent")
    page.get_by_label("Team").select_option("hotline-1")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Add the person").click()
    expect(page.get_by_role("heading", name="Password link for Deng Hui")).to_be_visible()
    expect(page.locator("code.token")).to_contain_text("/reset/")

    staff = tmp_path / "staff.csv"
    staff.write_text("employee_no,name,position,team\nT9902,Xu Ming,online-agent,hotline-1\n"
                     "T9903,,hotline-agent,hotline-1\n", encoding="utf-8")
    page.get_by_role("link", name="Import staff").click()
    page.get_by_label("Staff file").set_input_files(str(staff))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("1 new, 0 to update, 0 unchanged, 1 with errors")).to_be_visible()
    expect(page.get_by_role("button", name="Import these rows")).to_have_count(0)
    assert serious_violations(page) == []
    screenshot(page, "import-errors")

    staff.write_text("employee_no,name,position,team\nT9902,Xu Ming,online-agent,hotline-1\n",
                     encoding="utf-8")
    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("Staff file").set_input_files(str(staff))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Import these rows").click()
    expect(page.get_by_text("1 new, 0 updated, 0 unchanged")).to_be_visible()
    page.get_by_role("searchbox").fill("T9902")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Xu Ming")).to_be_visible()
