#!/usr/bin/env python3
"""Drives the town desk in real headless Chromium (Debian chromium + chromium-driver, Selenium from PyPI).

Signs in with the keyboard, filters the inbox by matter and state, opens the case RECEIPT, ticks its
first material, refuses it (不予受理) with REASON and where to go instead, takes a walk-in application
for ZJ-GG-01 (public rental housing) by the keyboard: a migrant worker, so the relevant "years of work"
field appears, with a second household member added to the repeat group; prints "walk-in receipt
NUMBER" once it is stored (and its receipt printed); signs out, and checks that the inbox is closed
again. Saves screenshots of the inbox, the case page and the walk-in form in SCREENSHOTS. Bounded:
the whole run stops after --timeout seconds. Exits 0 and prints "desk browser test: N steps passed"
when every step passed.

  desk-browser-test.py --url http://127.0.0.1:8631 --user li.na --matter MZ-GG-01 \
      --receipt XH03-261127-0001-K --reason 材料不全 --screenshots DIR < password
"""
import argparse
import os
import signal
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait


class Timeout(Exception):
    """The run took longer than --timeout seconds."""


def on_alarm(signum, frame):
    raise Timeout()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--matter", required=True)
    parser.add_argument("--receipt", required=True)
    parser.add_argument("--reason", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    password = sys.stdin.readline().rstrip("\n")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.timeout)
    os.makedirs(args.screenshots, exist_ok=True)

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # --no-sandbox: CI runs as root; --disable-dev-shm-usage: containers have a small /dev/shm.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,800"):
        options.add_argument(argument)
    driver = None
    steps = 0

    def navigate(action):
        """Runs `action` (a click or keys that load a new page) and waits until the old page is gone."""
        old_page = driver.find_element(By.TAG_NAME, "html")
        action()
        WebDriverWait(driver, 30).until(expected_conditions.staleness_of(old_page))

    def check(condition, what):
        if not condition:
            raise AssertionError(f"{what} (at {driver.current_url})\n{driver.find_element(By.TAG_NAME, 'body').text[:2000]}")

    try:
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(30)
        # 1. Without a session the inbox sends the browser to the sign-in form; sign in with Enter.
        driver.get(args.url + "/desk/inbox")
        check(driver.current_url.endswith("/desk/login"), "not redirected to the sign-in form")
        driver.find_element(By.ID, "username").send_keys(args.user)
        navigate(lambda: driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER))
        check(driver.current_url.endswith("/desk/inbox"), "sign-in did not open the inbox")
        steps += 1

        # 2. Filter the inbox by matter and state; the case is the only one listed.
        Select(driver.find_element(By.ID, "f-matter")).select_by_value(args.matter)
        Select(driver.find_element(By.ID, "f-state")).select_by_value("received")
        navigate(driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click)
        check(f"matter={args.matter}" in driver.current_url and "state=received" in driver.current_url, "filters not applied")
        listed = [link.text for link in driver.find_elements(By.CSS_SELECTOR, "tbody a")]
        check(listed == [args.receipt], f"inbox lists {listed}, expected [{args.receipt}]")
        driver.save_screenshot(os.path.join(args.screenshots, "inbox.png"))
        steps += 1

        # 3. Open the case: the receipt verifies, the answers are under the catalog's labels.
        navigate(driver.find_element(By.LINK_TEXT, args.receipt).click)
        check(driver.current_url.endswith("/desk/cases/" + args.receipt), "case page not opened")
        check(driver.find_elements(By.CSS_SELECTOR, "dd.verified"), "receipt not shown as verified")
        driver.save_screenshot(os.path.join(args.screenshots, "case.png"))
        steps += 1

        # 4. Tick the first material and save; the tick stays after the page reloads.
        driver.find_element(By.NAME, "m0").click()
        navigate(driver.find_element(By.CSS_SELECTOR, "form.materials button[type=submit]").click)
        check(driver.find_element(By.NAME, "m0").is_selected(), "material tick not saved")
        steps += 1

        # 5. Refuse (不予受理) with a reason and where to go instead; the page then shows the state
        # and the reason.
        reason = driver.find_element(By.ID, "reject-reason")
        reason.send_keys(args.reason)
        driver.find_element(By.ID, "go-to").send_keys("县民政局")
        navigate(reason.submit)
        main_text = driver.find_element(By.TAG_NAME, "main").text
        check("不予受理" in main_text and args.reason in main_text, "rejection not shown")
        steps += 1

        # 6. A walk-in application, by the keyboard: the matter from the list, the applicant, the
        # category that makes "years of work" relevant (the page redraws itself), a second household
        # member, then submit; the case page opens with the receipt number and the receipt printed.
        driver.get(args.url + "/desk/inbox")
        navigate(driver.find_element(By.LINK_TEXT, "一窗受理").click)
        navigate(lambda: driver.find_element(By.PARTIAL_LINK_TEXT, "ZJ-GG-01").send_keys(Keys.ENTER))
        check(not driver.find_elements(By.NAME, "f.work_years"), "years of work asked before the category")
        for name, value in (("f.name", "孙八"), ("f.id_number", "110101199003071233"), ("f.phone", "13800138000"),
                            ("f.address", "新河镇柳树湾村3组"), ("f.housing_area", "0")):
            driver.find_element(By.NAME, name).send_keys(value)
        navigate(lambda: Select(driver.find_element(By.NAME, "f.applicant_type")).select_by_value("migrant_worker"))
        check(driver.find_element(By.NAME, "f.name").get_attribute("value") == "孙八", "typed answers lost on redraw")
        check(driver.switch_to.active_element.get_attribute("name") == "f.applicant_type", "focus not back on the category")
        driver.find_element(By.NAME, "f.work_years").send_keys("3")
        driver.find_element(By.NAME, "g.members.0.member_name").send_keys("孙八")
        Select(driver.find_element(By.NAME, "g.members.0.relationship")).select_by_value("self")
        driver.find_element(By.NAME, "g.members.0.income").send_keys("3000")
        navigate(lambda: driver.find_element(By.CSS_SELECTOR, "button[value='add.members']").send_keys(Keys.ENTER))
        driver.find_element(By.NAME, "g.members.1.member_name").send_keys("周九")
        Select(driver.find_element(By.NAME, "g.members.1.relationship")).select_by_value("spouse")
        income = driver.find_element(By.NAME, "g.members.1.income")
        income.send_keys("1000")
        # Enter in a field redraws the form (the form's first button is a hidden "update"), never removes an entry.
        navigate(lambda: income.send_keys(Keys.ENTER))
        check(driver.find_element(By.NAME, "g.members.0.member_name").get_attribute("value") == "孙八", "Enter removed an entry")
        check("2000" in driver.find_element(By.ID, "f-per_capita_income").text, "per-person income not calculated")
        driver.set_window_size(1280, 1900)  # the whole form in one picture
        driver.save_screenshot(os.path.join(args.screenshots, "walk-in.png"))
        driver.set_window_size(1280, 800)
        navigate(lambda: driver.find_element(By.CSS_SELECTOR, "button[value=submit]").send_keys(Keys.ENTER))
        check("/desk/cases/" in driver.current_url, "the walk-in was not stored")
        walk_in = driver.current_url.rsplit("/", 1)[1]
        message = driver.find_element(By.CSS_SELECTOR, "p.message").text
        check(walk_in in message and "回执已送到打印机 bianmin-receipt" in message, f"no receipt printed: {message}")
        print(f"walk-in receipt {walk_in}")
        steps += 1

        # 7. Sign out; the inbox is closed again.
        navigate(driver.find_element(By.CSS_SELECTOR, "form[action='/desk/logout'] button").click)
        check(driver.current_url.endswith("/desk/login"), "sign-out did not return to the sign-in form")
        driver.get(args.url + "/desk/inbox")
        check(driver.current_url.endswith("/desk/login"), "inbox still open after sign-out")
        steps += 1
        print(f"desk browser test: {steps} steps passed")
        return 0
    except Timeout:
        print(f"desk browser test: timed out after {args.timeout} s, {steps} steps passed", file=sys.stderr)
        return 1
    except AssertionError as failure:
        print(f"desk browser test: step {steps + 1} failed: {failure}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        if driver is not None:
            driver.quit()


if __name__ == "__main__":
    sys.exit(main())
