"""An administrator imports staff written as the pages name things: positions and teams by
their display names, a team that does not exist yet. The preview is a page in words, with
"new team"; confirming creates the people and the team; Back shows the import as done."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, serious_violations, sign_in


def test_import_preview_in_words_with_a_new_team(page, tmp_path):
    staff = tmp_path / "new-hires.csv"
    staff.write_text("Employee number,Name,Position,Team\n"
                     "T9951,Qian Yu,Hotline agent,Hotline team 1\n"
                     "T9952,Sun Li,hotline  AGENT,Hotline team 7\n"
                     "T9953,Zhou Ping,热线客服代表,hotline team 7\n", encoding="utf-8")
    sign_in(page, "A0001")
    page.goto("/admin/people/import")
    expect(page.get_by_role("link", name="XLSX, headers in Chinese")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "import-page")
    page.get_by_label("Staff file").set_input_files(str(staff))
    page.get_by_role("button", name="Preview").click()

    assert "/admin/people/import/" in page.url  # a page of its own, not the upload's POST
    caption = "new-hires.csv: 3 new, 0 to update, 0 unchanged, 0 with errors"
    expect(page.get_by_text(caption)).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Hotline agent")
    expect(rows.nth(1)).to_contain_text("Hotline team 7 new team")
    expect(rows.nth(1)).to_contain_text("“Hotline team 7” is a new team")
    expect(rows.nth(2)).to_contain_text("Hotline agent")
    expect(rows.nth(0)).to_contain_text("New")
    expect(page.locator("tbody")).not_to_contain_text(re.compile(r"\b(create|error)\b"))
    assert serious_violations(page) == []
    screenshot(page, "import-preview-new-team")

    page.reload()  # the preview is a GET: nothing is sent again
    expect(page.get_by_text(caption)).to_be_visible()
    page.get_by_role("button", name="Import these rows").click()
    expect(page.get_by_text("Imported new-hires.csv: 3 new, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_text("1 new team was created.")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "import-done")
    page.get_by_role("searchbox").fill("T9952")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Hotline team 7")).to_be_visible()

    page.go_back()
    page.go_back()  # back to the preview: it says the file was imported, offers no button
    expect(page.get_by_text("new-hires.csv was imported on")).to_be_visible()
    expect(page.get_by_role("button", name="Import these rows")).to_have_count(0)

    page.goto("/admin/organisation")
    expect(page.get_by_role("link", name="Hotline team 7")).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "organisation")

    page.get_by_role("link", name="Hotline team 7").click()
    page.get_by_label("Name in Chinese").fill("热线七组")
    supervisor = page.get_by_label(re.compile(r"\(S0001\)"))  # the demo's team supervisor
    supervisor.check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved the team Hotline team 7.")).to_be_visible()
    expect(supervisor).to_be_checked()
    screenshot(page, "team")
