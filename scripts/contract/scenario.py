"""A vendor's first day, driven by the client openapi-python-client generated from
openapi/openapi.json (scripts/contract/run): the school admin creates an API key; the vendor
syncs staff and classes of the demo school 999999 for the current term, sends the same batch
again (nothing changes), reads the receiving log, pages through the accounts, and downloads an
.xlsx report. Exits non-zero on the first surprise.

Usage: PYTHONPATH=<dir with licheng_client> scenario.py BASE_URL
"""
import datetime
import sys

from licheng_client import AuthenticatedClient, Client
from licheng_client.api.accounts import create_api_key, list_accounts
from licheng_client.api.auth import sign_in
from licheng_client.api.reports import usage_xlsx
from licheng_client.api.sync import list_sync_batches, sync_classes, sync_staff
from licheng_client.models import (
    BatchClassRow,
    BatchOutcome,
    BatchStaffRow,
    ClassRow,
    CreatedApiKey,
    NewApiKey,
    PageAccountRow,
    PageBatchLog,
    Problem,
    Scope,
    SignIn,
    StaffRow,
    TokenPair,
)
from licheng_client.types import File


def check(condition, what):
    if not condition:
        print(f"scenario: {what}", file=sys.stderr)
        sys.exit(1)


def current_term(today):
    """The term a date falls in (as the server's default): year from 1 August, semester 2 from 1 February."""
    if today.month >= 8:
        return today.year - 1911, 1
    if today.month == 1:
        return today.year - 1912, 1
    return today.year - 1912, 2


def main():
    base = sys.argv[1]
    tokens = sign_in.sync(client=Client(base_url=base), body=SignIn(school="999999", account="admin", password="demo2026"))
    check(isinstance(tokens, TokenPair), f"sign-in: {tokens}")
    admin = AuthenticatedClient(base_url=base, token=tokens.access_token)
    created = create_api_key.sync(client=admin, body=NewApiKey(name="vendor scenario", scopes=[Scope.SYNC, Scope.READ]))
    check(isinstance(created, CreatedApiKey), f"create key: {created}")
    vendor = AuthenticatedClient(base_url=base, token=created.secret)

    year, semester = current_term(datetime.date.today())
    staff = BatchStaffRow(
        academic_year=year,
        semester=semester,
        rows=[
            StaffRow(number="T001", national_id="A100000010", name="王大明", email="t001@demo.licheng.example"),
            StaffRow(number="T002", national_id="B200000022", name="李美玲", email="t002@demo.licheng.example"),
            StaffRow(number="T003", national_id="C100000030", name="陳志強", email=None),
            StaffRow(number="T004", national_id="D200000042", name="林淑芬", email=None),
            StaffRow(number="T005", national_id="E100000050", name="黃建國", email=None),
            StaffRow(number="T006", national_id="A123456789", name="新老師", email="t006@demo.licheng.example"),
        ],
    )
    first = sync_staff.sync(client=vendor, body=staff)
    check(isinstance(first, BatchOutcome), f"sync staff: {first.to_dict() if isinstance(first, Problem) else first}")
    check(first.result.inserted == 1, f"one new staff member: {first.result.to_dict()}")
    again = sync_staff.sync(client=vendor, body=staff)
    check(isinstance(again, BatchOutcome), f"sync staff again: {again}")
    check(again.result.inserted == 0 and again.result.updated == 0 and again.result.deactivated == 0, f"the same batch changes nothing: {again.result.to_dict()}")

    classes = BatchClassRow(academic_year=year, semester=semester, rows=[
        ClassRow(code="101", name="一年一班", grade=1, homeroom_teacher="T001"),
        ClassRow(code="201", name="二年一班", grade=2, homeroom_teacher="T002"),
        ClassRow(code="301", name="三年一班", grade=3, homeroom_teacher="T006"),
    ])
    outcome = sync_classes.sync(client=vendor, body=classes)
    check(isinstance(outcome, BatchOutcome), f"sync classes: {outcome}")

    bad = sync_classes.sync_detailed(client=vendor, body=BatchClassRow(academic_year=year, semester=semester, rows=[ClassRow(code="101", name="一年一班", grade=1, homeroom_teacher="T999")]))
    check(bad.status_code == 422 and isinstance(bad.parsed, Problem), f"a batch with an unknown teacher is refused: {bad.status_code}")
    check(str(bad.parsed.code) == "sync_rows_invalid" and "rows[0].homeroom_teacher" in bad.parsed.errors.to_dict(), f"row errors: {bad.parsed.to_dict()}")

    log = list_sync_batches.sync(client=vendor, per_page=10)
    check(isinstance(log, PageBatchLog), f"receiving log: {log}")
    check(log.total == 4 + 7 and len(log.items) == 10, f"the demo's 7 batches and these 4: total {log.total}")
    newest = log.items[0]
    check(str(newest.status_code) == "01" and newest.error is not None, f"the refused batch is logged: {newest.to_dict()}")

    seen, page = 0, 1
    while True:
        accounts = list_accounts.sync(client=vendor, page=page, per_page=5)
        check(isinstance(accounts, PageAccountRow), f"accounts page {page}: {accounts}")
        seen += len(accounts.items)
        if page * accounts.per_page >= accounts.total:
            break
        page += 1
    check(seen == accounts.total and page > 1, f"paged through {seen} of {accounts.total} accounts")

    workbook = usage_xlsx.sync(client=admin)
    check(isinstance(workbook, File) and workbook.payload.read(2) == b"PK", f"usage.xlsx: {workbook}")
    print(f"scenario: synced staff and classes for {year}{semester}, read {log.total} log entries and {seen} accounts, downloaded usage.xlsx")


if __name__ == "__main__":
    main()
