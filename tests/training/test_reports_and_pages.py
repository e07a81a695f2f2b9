"""Issue 17 (trainee and instructor): the staff report and the trainee's reminder agree on the
Nth day; expired certificates stay on the staff report until renewed; item analysis can leave
out answers that say nothing about an item (non-destructive, audited); the result page offers a
retake; the course page does not say "not passed" before the first attempt; a completed course
offers no "continue"; a question sent twice says so; times are shown in the app's time zone."""

from __future__ import annotations

from datetime import timedelta

from click.testing import CliRunner

from curricula import analytics, certificates, refreshers
from curricula.attempts import get_attempt, user_attempts
from curricula.bank import load_questions
from curricula.clock import FixedClock
from curricula.progress import mark_read
from kg.cli import main
from kg.settings import load_settings
from kg.store import open_store
from tests.training.factory import (
    COURSE,
    FINAL,
    SKILLS,
    check_id,
    complete_modules,
    load_training_content,
    make_user,
    take_quiz,
    unit_id,
)
from tests.training.webflow import Browser, create_account, training_app


def certify(store, user, instructor, now):
    complete_modules(store, user, now)
    assert take_quiz(store, user, FINAL, now).passed
    cert = None
    for skill in SKILLS:
        _, cert = certificates.record_signoff(store, user=user, course=COURSE, skill=skill, assessor=instructor,
                                              result="pass", now=now)
    assert cert is not None
    return cert


def test_staff_report_and_trainee_reminder_agree_on_the_last_day_of_the_window(world):
    cert = certify(world.store, world.trainee, world.instructor, world.now)
    for window in refreshers.REPORT_WINDOWS:
        on_the_day = cert.expires_at - timedelta(days=window)        # "还剩 90 天"
        [reminder] = refreshers.reminders(world.store, world.trainee, now=on_the_day, days=window)
        assert reminder["days_left"] == window
        assert [r["certificate"].id for r in certificates.expiring(world.store, now=on_the_day, days=window)] == \
            [cert.id]
        a_minute_before = on_the_day - timedelta(minutes=1)          # not yet within the window: neither
        assert refreshers.reminders(world.store, world.trainee, now=a_minute_before, days=window) == []
        assert certificates.expiring(world.store, now=a_minute_before, days=window) == []
    # at the moment of expiry it is expired (status and report), not "expiring in 0 days"
    assert certificates.expiring(world.store, now=cert.expires_at, days=90) == []
    assert [r["certificate"].id for r in certificates.expired_unrenewed(world.store, now=cert.expires_at)] == [cert.id]


def test_expired_certificates_stay_on_the_report_until_renewed(world):
    s = world.store
    cert = certify(s, world.trainee, world.instructor, world.now)
    long_after = cert.expires_at + timedelta(days=200)
    [row] = certificates.expired_unrenewed(s, now=long_after)
    assert row["certificate"].id == cert.id and row["days_ago"] == 200 and row["holder"] == "李爱丽"
    renewed = take_quiz(s, world.trainee, "quiz.fx-refresher", long_after)
    assert renewed.passed and renewed.certificate.renews == cert.id
    assert certificates.expired_unrenewed(s, now=long_after) == []


def test_analytics_reset_leaves_out_a_kind_without_touching_results(world):
    s, now = world.store, world.now
    users = [make_user(s, f"m{i:02d}") for i in range(6)]
    for user in users:
        complete_modules(s, user, now)
        take_quiz(s, user, FINAL, now)  # all right
    before = {a: get_attempt(s, a) for a in [r["id"] for r in s.run_read("training_quiz_attempts_before",
                                                                          before="2999-01-01")]}
    stats = {st.question: st for st in analytics.item_analysis(s)}
    kinds = {q: v.kind for q, v in load_questions(s, list(stats)).items()}
    multiple = {q for q, k in kinds.items() if k == "multiple"}
    assert multiple and all(stats[q].n > 0 for q in multiple)
    dry = analytics.exclude_from_analysis(s, kind="multiple", before=now + timedelta(minutes=1), reason="测试",
                                          now=now, dry_run=True)
    assert dry.answers > 0 and {q for q in stats if q in multiple and stats[q].n} == dry.questions
    assert {q.question for q in analytics.item_analysis(s)} == set(stats)  # a dry run changes nothing
    done = analytics.exclude_from_analysis(s, kind="multiple", before=now + timedelta(minutes=1), reason="测试",
                                           now=now)
    assert (done.attempts, done.answers, done.questions) == (dry.attempts, dry.answers, dry.questions)
    after = {st.question for st in analytics.item_analysis(s)}
    assert after == set(stats) - multiple  # the multiple-select items are left out ...
    for attempt_id, a in before.items():      # ... and nothing else changed
        now_a = get_attempt(s, attempt_id)
        assert (now_a.score, now_a.passed, now_a.correct, now_a.correct_questions) == \
            (a.score, a.passed, a.correct, a.correct_questions)
    assert certificates.user_certificates(s, users[0]) == []  # no certificate appeared or vanished
    again = analytics.exclude_from_analysis(s, kind="multiple", before=now + timedelta(minutes=1), reason="测试",
                                            now=now)
    assert again.answers == 0  # running it twice changes nothing
    # attempts started after the date keep every item
    later = make_user(s, "later")
    complete_modules(s, later, now + timedelta(days=1))
    take_quiz(s, later, FINAL, now + timedelta(days=1))
    shown_later = {q for a in user_attempts(s, later) for q in a.questions}  # knowledge checks and final
    assert {st.question for st in analytics.item_analysis(s)} == (set(stats) - multiple) | shown_later
    restored = analytics.exclude_from_analysis(s, kind="multiple", before=now + timedelta(minutes=1), reason="撤销",
                                               now=now, restore=True)
    assert restored.answers == done.answers
    # every item is back, with the later trainee's (their quizzes drew their own questions, and
    # one none of the six first trainees drew made this fail now and then)
    assert {st.question for st in analytics.item_analysis(s)} == set(stats) | shown_later


def test_analytics_reset_command_is_audited(store_env, tmp_path):
    with open_store(load_settings(store_env)) as store:
        store.init_schema()
        load_training_content(store, tmp_path / "content")
        now = FixedClock("2025-03-01T08:00:00Z").now()
        for name in ("p1", "p2"):
            user = make_user(store, name)
            complete_modules(store, user, now)
            take_quiz(store, user, FINAL, now)
    run = CliRunner().invoke
    dry = run(main, ["course", "analytics-reset", "--kind", "multiple", "--before", "2025-03-02", "--dry-run"],
              env=store_env)
    assert dry.exit_code == 0 and dry.output.startswith("would leave out ") and "multiple" in dry.output
    done = run(main, ["course", "analytics-reset", "--kind", "multiple", "--before", "2025-03-02",
                      "--reason", "多选题 required 错误"], env=store_env)
    assert done.exit_code == 0 and done.output.startswith("left out ") and "unchanged" in done.output
    assert dry.output.split()[3] == done.output.split()[2]  # the dry run counted the same answers
    with open_store(load_settings(store_env)) as store:
        from kg.audit import events

        [event], _total = events(store, action="training.analytics_reset")
        assert event["actor"] == "cli" and "多选题 required 错误" in event["details"]
    bad = run(main, ["course", "analytics-reset", "--kind", "multiple", "--before", "yesterday"], env=store_env)
    assert bad.exit_code == 1 and "--before" in bad.output


def test_expiring_command_counts_in_words(store_env, tmp_path):
    from curricula.clock import SystemClock

    with open_store(load_settings(store_env)) as store:
        store.init_schema()
        load_training_content(store, tmp_path / "content")
        user, instructor = make_user(store, "one"), make_user(store, "ivy", ("instructor",))
        certify(store, user, instructor, SystemClock().now() - timedelta(days=3 * 365 - 20))
    out = CliRunner().invoke(main, ["certificates", "expiring", "--days", "30"], env=store_env).output
    assert "1 certificate expires within 30 days" in out and "1 certificates" not in out


# --- pages ---------------------------------------------------------------------------------------

def site(store, tmp_path, **options):
    load_training_content(store, tmp_path / "content", **options)
    clock = FixedClock("2025-03-01T08:00:00Z")
    app = training_app(store, clock=clock)
    create_account(store, "alice", display_name="李爱丽")
    create_account(store, "ivan", ("instructor",), display_name="王教员")
    return app, clock


def test_course_page_before_any_attempt_and_a_completed_course(store, tmp_path):
    app, clock = site(store, tmp_path)
    alice = Browser(app, store, "alice")
    assert alice.post(f"/training/courses/{COURSE}/enrol").status_code == 302
    page = alice.get(f"/training/courses/{COURSE}").get_data(as_text=True)
    assert "知识检查：尚未作答" in page and "结业考试：尚未参加" in page and "结业考试：未通过" not in page
    complete_modules(store, "user.alice", clock.now())
    take_quiz(store, "user.alice", FINAL, clock.now(), right=0)
    assert "结业考试：未通过（已作答 1 次）" in alice.get(f"/training/courses/{COURSE}").get_data(as_text=True)
    clock.advance(days=1)
    assert take_quiz(store, "user.alice", FINAL, clock.now()).passed
    home = alice.get("/training/").get_data(as_text=True)
    assert "继续学习" not in home and "学习已完成，等待教员实操考核" in home
    for skill in SKILLS:
        certificates.record_signoff(store, user="user.alice", course=COURSE, skill=skill, assessor="user.ivan",
                                    result="pass", now=clock.now())
    home = alice.get("/training/").get_data(as_text=True)
    assert "继续学习" not in home and "已获得证书" in home


def test_failed_result_offers_a_retake_until_the_limit(store, tmp_path):
    app, clock = site(store, tmp_path, max_attempts=2, cooldown_minutes=60)
    alice = Browser(app, store, "alice")
    complete_modules(store, "user.alice", clock.now())
    first = take_quiz(store, "user.alice", FINAL, clock.now(), right=0)
    page = alice.get(f"/training/attempts/{first.attempt.id}/result").get_data(as_text=True)
    # within the cooldown: no button, but when it can be taken again (in Asia/Shanghai time: 09:00 UTC + 8)
    assert "重新作答" not in page and "请在 2025-03-01 17:00 之后再试" in page
    clock.advance(minutes=61)
    page = alice.get(f"/training/attempts/{first.attempt.id}/result").get_data(as_text=True)
    assert "重新作答" in page and f"/training/quizzes/{FINAL}/start" in page
    second = take_quiz(store, "user.alice", FINAL, clock.now(), right=0)
    clock.advance(minutes=61)
    page = alice.get(f"/training/attempts/{second.attempt.id}/result").get_data(as_text=True)
    assert "重新作答" not in page and "最多可作答 2 次" in page
    # a knowledge check can be retaken at once
    attempt = alice.start(check_id(1), COURSE)
    for q in get_attempt(store, attempt).questions:
        alice.answer(attempt, q, right=False)
    alice.submit(attempt)
    assert "重新作答" in alice.get(f"/training/attempts/{attempt}/result").get_data(as_text=True)


def test_an_answer_sent_twice_says_the_first_one_counts(store, tmp_path):
    app, clock = site(store, tmp_path)
    alice = Browser(app, store, "alice")
    alice.post(f"/training/courses/{COURSE}/enrol")
    mark_read(store, "user.alice", COURSE, unit_id(1), now=clock.now())
    attempt = alice.start(check_id(1), COURSE)
    question = alice.current_question(attempt)
    first = alice.answer(attempt, question, right=False)
    second = alice.answer(attempt, question, right=True)   # the back button, then another choice
    assert second.headers["Location"] == first.headers["Location"]
    page = alice.get(second.headers["Location"]).get_data(as_text=True)
    assert "本题已作答，以第一次提交的答案为准；这次提交的答案没有记录。" in page and "回答错误" in page


def test_deadline_is_shown_in_the_app_time_zone(store, tmp_path):
    app, clock = site(store, tmp_path)
    alice = Browser(app, store, "alice")
    complete_modules(store, "user.alice", clock.now())
    attempt = alice.start(FINAL, COURSE)
    page = alice.get(f"/training/attempts/{attempt}").get_data(as_text=True)
    # started 08:00 UTC with 30 minutes: ends 16:30 in Asia/Shanghai
    assert "（16:30 截止）" in page and "UTC" not in page
