"""Concurrent account writes never undo each other (both stores): a disable that races a token
issue, a profile update and a sign-in (which may rehash the password) stays a disable, and no
older auth_version comes back."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher

from kg import accounts
from kg.accounts import passwords, sessions, tokens

ROUNDS = 50


def _race(*jobs) -> list[BaseException]:
    barrier, errors = threading.Barrier(len(jobs)), []

    def run(job):
        barrier.wait()
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_a_disable_is_never_undone_by_a_concurrent_write(store):
    accounts.create_user(store, "root", "password-1", roles=["admin"])
    accounts.create_user(store, "pat", "password-1")
    # a hasher whose settings differ from the stored hash's: every sign-in rehashes (a write)
    previous = passwords.use_hasher(PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    try:
        versions = []
        for i in range(ROUNDS):
            issued = []
            errors = _race(lambda: accounts.disable(store, "pat"),
                           lambda i=i, issued=issued: issued.append(tokens.issue(store, "pat", f"round {i}")[0]),
                           lambda i=i: accounts.update_profile(store, "pat", display_name=f"Pat {i}"),
                           lambda: accounts.authenticate(store, "pat", "password-1"))
            assert not errors, errors
            account = accounts.get_user(store, "pat")
            assert account.active is False, f"round {i}: a concurrent write re-enabled the account"
            assert account.display_name == f"Pat {i}"
            assert all(tokens.account_for_token(store, t) is None for t in issued), f"round {i}: a token works"
            versions.append(account.auth_version)
            accounts.enable(store, "pat")
            passwords.use_hasher(PasswordHasher(time_cost=1 + (i % 2) * 2, memory_cost=1024, parallelism=1))
        assert versions == sorted(versions) and len(set(versions)) == ROUNDS  # never an older version
    finally:
        passwords.use_hasher(previous)


def test_a_password_change_ends_sessions_even_when_a_sign_in_races_it(store):
    accounts.create_user(store, "sam", "password-1")
    for i in range(ROUNDS // 5):
        account = accounts.get_user(store, "sam")
        secret = sessions.start(store, account, hours=1)
        errors = _race(lambda i=i: accounts.set_password(store, "sam", f"password-{i + 2}"),
                       lambda: accounts.update_profile(store, "sam", locale="en"))
        assert not errors, errors
        assert sessions.resolve(store, secret) is None, f"round {i}: the old session survived"
