"""A street office's staff member in a real browser (the web side of issue 17's staff items): the
situation page's role list grouped and set to their own organization, a pasted scenario longer
than allowed cut with a word, the lessons form's searchable lists of organizations and hazards
(a filter over checkboxes, served locally), and an action's owner that must be chosen.  Phone and
desktop; every page screenshotted and checked with axe."""

from __future__ import annotations

import pytest

from tests.browser.journeys import bundled_site, person

LESSON = "lesson.xichang-330.power-line-ignition"


@pytest.fixture(scope="module")
def site():
    with bundled_site(graph_cache_seconds=0) as s:
        yield s


def paste(locator, text: str) -> None:
    locator.evaluate("""(el, text) => { el.focus(); const data = new DataTransfer(); data.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); }""", text)


def test_situation_roles_are_grouped_and_set_to_ones_own(browser, site):
    with person(browser, site, "street", phone=True) as staff:
        page = staff.page
        page.goto(site.url + "/search/situation")
        groups = page.locator("#role optgroup").evaluate_all("gs => gs.map(g => g.label)")
        assert groups == ["社区", "街道（乡镇）", "单位与岗位", "救援力量", "县级政府与部门"]  # kg.search.roles
        assert page.locator("#role").input_value() == "org.town-emergency-office"  # the account's organization
        town = page.locator('#role optgroup[label="街道（乡镇）"] option').all_inner_texts()
        assert "乡镇（街道）应急管理办公室" in town and all("县" not in t for t in town)
        paste(page.locator("#q"), "车库进水，" * 300)  # 1500 characters into a 1000-character box
        assert len(page.locator("#q").input_value()) == 1000
        assert "超出的 500 字没有粘贴进来" in page.locator("#q ~ .char-warning").inner_text()
        staff.check("situation")
        staff.done()


def test_lesson_form_lists_are_searchable_and_an_owner_must_be_chosen(browser, site):
    with person(browser, site, "street") as staff:
        page = staff.page
        page.goto(site.url + "/lessons/new")
        acts = page.locator(".multiselect").first
        assert page.locator("#act_by").is_hidden() and acts.locator("li").count() > 40  # not a wall: a list to filter
        page.get_by_role("searchbox", name="应由谁落实建议").fill("网格")
        shown = acts.locator("li:visible").all_inner_texts()
        assert shown and all("网格" in t for t in shown) and len(shown) < 5
        acts.get_by_label("网格员", exact=True).check()
        page.get_by_role("searchbox", name="应由谁落实建议").fill("物业")
        acts.get_by_label("物业服务企业", exact=True).check()
        assert "已选 2 项：" in acts.locator(".multiselect-chosen").inner_text()
        assert sorted(page.locator("#act_by").evaluate("s => [...s.selectedOptions].map(o => o.value)")) == \
            ["org.grid-worker", "org.property-company"]
        page.get_by_role("searchbox", name="灾害风险").fill("内涝")
        assert all("内涝" in t for t in page.locator(".multiselect").nth(1).locator("li:visible").all_inner_texts())
        staff.check("lesson-form")
        page.goto(f"{site.url}/lessons/{LESSON}")
        owner = page.get_by_label("负责组织")
        assert owner.input_value() == "" and owner.evaluate("s => s.required")  # no silent first entry
        assert owner.locator("option").first.inner_text() == "请选择负责组织"
        staff.check("lesson")
        staff.done()
