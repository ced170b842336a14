"""Deadline-day surge (issue #9): the release binary on a fresh database, a generated school of
3,000 students in 90 classes and 150 teachers loaded through the sync API; then, from this
separate load process on loopback, every student signs in, creates a learning result with a 1 MB
pdf and submits it, and the teachers certify them — `--concurrency` clients at a time, spread
over `--processes` server processes (PostgreSQL only) by port. Prints requests/s, p50/p99 per
step, errors, total time and the servers' peak RSS, then verifies from the API, the file store
and `licheng check` that every acknowledged upload exists with a matching SHA-256.

`--kill N`: the crash test — the server is killed with SIGKILL N times at random moments during
the surge and restarted; clients retry what was not acknowledged. Afterwards: no acknowledged
upload lost or corrupt, no temporary file left, the database passes its integrity check and
`licheng check` reports nothing."""

import argparse
import concurrent.futures as cf
import hashlib
import http.client
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import licheng_load as L  # noqa: E402

PASSWORD = "Surge-2026-pass"
SECRET = "surge-benchmark-secret-key-0123456789abcdef"


class Client:
    """One load client: a keep-alive connection to one server port, re-opened after errors."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def call(self, method, path, body=None, headers=None, token=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=h)
                res = self.conn.getresponse()
                data = res.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                # A kept-alive connection the server closed while idle: open a new one, as
                # every HTTP client does. A fresh connection failing is a real failure.
                if not reused or attempt == 2:
                    raise
        if res.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        if res.getheader("Content-Type", "").startswith(("application/json", "application/problem+json")):
            return res.status, json.loads(data)
        return res.status, data


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat = {}
        self.errors = []
        self.requests = 0
        self.retries = 0

    def add(self, step, seconds):
        with self.lock:
            self.lat.setdefault(step, []).append(seconds)
            self.requests += 1

    def error(self, what):
        with self.lock:
            self.errors.append(what)


def timed(stats, step, client, *args, **kw):
    t0 = time.perf_counter()
    status, body = client.call(*args, **kw)
    stats.add(step, time.perf_counter() - t0)
    return status, body


def with_retry(fn, stats, alive, attempts=60):
    """Runs fn(); on a broken connection (a killed server) waits for it and tries again."""
    for i in range(attempts):
        try:
            return fn()
        except (OSError, http.client.HTTPException):
            with stats.lock:
                stats.retries += 1
            alive.wait(30)
            time.sleep(0.2 + random.random() * 0.3)
    raise RuntimeError("server did not come back")


def fresh_pg_database(base):
    name = "licheng_surge_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return f"{base}/{name}", name


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--students", type=int, default=3000)
    ap.add_argument("--classes", type=int, default=90)
    ap.add_argument("--teachers", type=int, default=150)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg", default=os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432"), help="PostgreSQL server (without database)")
    ap.add_argument("--processes", type=int, default=1, help="licheng serve processes (more than one needs PostgreSQL)")
    ap.add_argument("--doc-bytes", type=int, default=1024 * 1024)
    ap.add_argument("--kill", type=int, default=0, help="crash test: SIGKILL the server this many times during the surge")
    ap.add_argument("--keep", action="store_true", help="keep the data directory")
    args = ap.parse_args()
    if args.processes > 1 and args.backend != "postgres":
        ap.error("several processes share one database: use --backend postgres")
    if args.kill and args.processes > 1:
        ap.error("the crash test runs one process")

    data_dir = tempfile.mkdtemp(prefix="licheng-surge-")
    pg_name = None
    if args.backend == "postgres":
        url, pg_name = fresh_pg_database(args.pg)
    else:
        url = f"sqlite://{data_dir}/licheng.db"
    env = {"LICHENG_SECRET_KEY": SECRET, "LICHENG_REMINDER_INTERVAL_SECONDS": "0"}
    servers = []
    ports = [L.free_port() for _ in range(args.processes)]
    servers.append(L.Server(database_url=url, data_dir=data_dir, extra_env=env, port=ports[0]))
    for p in ports[1:]:
        servers.append(L.Server(database_url=url, data_dir=data_dir, extra_env=env, port=p))
    rc = 1
    try:
        rc = run(args, servers, ports, url, data_dir, env)
    finally:
        for s in servers:
            s.stop()
        if pg_name and not args.keep:
            subprocess.run(["psql", f"{args.pg}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{pg_name}"'], check=False)
        if not args.keep:
            subprocess.run(["rm", "-rf", data_dir], check=False)
    return rc


def run(args, servers, ports, url, data_dir, env):
    n = args.students
    t0 = time.perf_counter()
    term = L.current_term(ports[0])
    students, teachers = L.load_school(ports[0], students=n, classes=args.classes, teachers=args.teachers, term=term)
    load_s = time.perf_counter() - t0
    print(f"== surge: {n} students in {args.classes} classes, {len(teachers)} teachers, {args.backend}, "
          f"{args.processes} process(es), {args.concurrency} clients{f', {args.kill} SIGKILLs' if args.kill else ''}")
    print(f"  school loaded through the sync API in {load_s:.1f} s")

    # Before the deadline every account has been used once: the initial password changed.
    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(lambda a: L.first_sign_in(ports[0], a[0], a[1], PASSWORD), [(s[0], s[1]) for s in students] + teachers))
    print(f"  first sign-ins (initial password changed) of {n + len(teachers)} accounts in {time.perf_counter() - t0:.1f} s")

    rng = random.Random(9)
    docs = [L.pdf(args.doc_bytes, rng) for _ in range(n)]
    stats = Stats()
    acked = {}  # result id -> sha256 of the document, for every 201
    acked_lock = threading.Lock()
    alive = threading.Event()
    alive.set()
    stop_killer = threading.Event()
    local = threading.local()

    def client(i):
        if not hasattr(local, "clients"):
            local.clients = {}
        port = ports[i % len(ports)]
        if port not in local.clients:
            local.clients[port] = Client(port)
        return local.clients[port]

    def student(i):
        account = students[i][0]
        c = client(i)

        def sign_in():
            status, body = timed(stats, "sign-in", c, "POST", "/api/v1/auth/sign-in", {"school": L.SCHOOL, "account": account, "password": PASSWORD})
            if status != 200:
                raise Failure(f"sign-in {account}: {status} {body}")
            return body["access_token"]

        token = with_retry(sign_in, stats, alive)

        def courses():
            status, body = timed(stats, "courses", c, "GET", "/api/v1/me/courses", token=token)
            if status != 200:
                raise Failure(f"courses {account}: {status} {body}")
            return body["courses"][0]["id"]

        course = with_retry(courses, stats, alive)
        ct, form = L.multipart([("course_id", course), ("description", f"期末報告 {i}")], [("document", "報告.pdf", docs[i])])
        sha = hashlib.sha256(docs[i]).hexdigest()

        def upload():
            status, body = timed(stats, "upload 1 MB", c, "POST", "/api/v1/learning-results", form, {"Content-Type": ct}, token)
            if status != 201:
                raise Failure(f"upload {account}: {status} {str(body)[:300]}")
            if body["document"]["sha256"] != sha:
                raise Failure(f"upload {account}: sha256 {body['document']['sha256']} != {sha}")
            with acked_lock:
                acked[body["id"]] = sha
            return body["id"]

        rid = with_retry(upload, stats, alive)

        def submit():
            status, body = timed(stats, "submit", c, "POST", f"/api/v1/learning-results/{rid}/submit", {}, None, token)
            if status == 409:  # the first try went through but its answer was lost in a crash
                s2, b2 = c.call("GET", f"/api/v1/learning-results/{rid}", token=token)
                if s2 == 200 and b2["result"]["state"] == "submitted":
                    return
            if status != 200:
                raise Failure(f"submit {account}: {status} {body}")

        with_retry(submit, stats, alive)

    def teacher(j):
        account = teachers[j][0]
        c = client(j)

        def go():
            status, body = timed(stats, "sign-in", c, "POST", "/api/v1/auth/sign-in", {"school": L.SCHOOL, "account": account, "password": PASSWORD})
            if status != 200:
                raise Failure(f"teacher sign-in {account}: {status} {body}")
            token = body["access_token"]
            decided = 0
            while True:
                status, page = timed(stats, "queue", c, "GET", "/api/v1/certification/results?state=submitted&per_page=200", token=token)
                if status != 200:
                    raise Failure(f"queue {account}: {status} {page}")
                ids = [r["id"] for r in page["items"]]
                if not ids:
                    return decided
                status, out = timed(stats, "certify (batch)", c, "POST", "/api/v1/certification/decisions", {"ids": ids, "decision": "certify"}, None, token)
                if status != 200:
                    raise Failure(f"certify {account}: {status} {out}")
                if out["refused"]:
                    raise Failure(f"certify {account}: refused {out['refused'][:3]}")
                decided += len(out["decided"])

        return with_retry(go, stats, alive)

    def killer():
        krng = random.Random(4)
        for k in range(args.kill):
            if stop_killer.wait(krng.uniform(3, 10)):
                return
            s = servers[0]
            alive.clear()
            s.proc.send_signal(signal.SIGKILL)
            s.proc.wait()
            s.log.close()
            servers[0] = L.Server(database_url=url, data_dir=data_dir, extra_env=env, port=ports[0])
            alive.set()
            print(f"  SIGKILL #{k + 1} and restart")

    for s in servers:
        s.reset_peak_rss()
    rss_before = [s.rss_mb() for s in servers]
    kill_thread = threading.Thread(target=killer, daemon=True)
    if args.kill:
        kill_thread.start()
    t_start = time.perf_counter()
    with cf.ThreadPoolExecutor(args.concurrency) as pool:
        for f in cf.as_completed([pool.submit(student, i) for i in range(n)]):
            if f.exception():
                stats.error(str(f.exception())[:300])
    t_students = time.perf_counter() - t_start
    stop_killer.set()
    if args.kill:
        kill_thread.join()
    t1 = time.perf_counter()
    certified = 0
    with cf.ThreadPoolExecutor(min(args.concurrency, len(teachers))) as pool:
        for f in cf.as_completed([pool.submit(teacher, j) for j in range(len(teachers))]):
            if f.exception():
                stats.error(str(f.exception())[:300])
            else:
                certified += f.result()
    t_teachers = time.perf_counter() - t1
    total = time.perf_counter() - t_start
    peaks = [s.peak_rss_mb() for s in servers]

    print(f"  students: sign-in + courses + upload + submit of {n} in {t_students:.1f} s; teachers certified {certified} in {t_teachers:.1f} s")
    print(f"  total {total:.1f} s, {stats.requests} requests = {stats.requests / total:.0f} requests/s, errors {len(stats.errors)}, client retries {stats.retries}")
    for e in stats.errors[:5]:
        print(f"    error: {e}")
    print(f"  {'step':<16} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for step, lat in stats.lat.items():
        print(f"  {step:<16} {len(lat):>6} {L.percentile(lat, 50) * 1000:>8.0f} {L.percentile(lat, 99) * 1000:>8.0f} {max(lat) * 1000:>8.0f}")
    print("  server RSS: " + ", ".join(f"process {i + 1} {b:.0f} MB before, peak {p:.0f} MB" for i, (b, p) in enumerate(zip(rss_before, peaks))))

    problems = verify(ports[0], acked, data_dir, url, servers, args)
    print(f"  verified {len(acked)} acknowledged uploads: {'all present with matching SHA-256' if not problems else f'{len(problems)} PROBLEMS'}")
    for p in problems[:10]:
        print(f"    {p}")
    if certified != len(acked) and not args.kill:
        problems.append(f"certified {certified} of {len(acked)}")
    return 1 if stats.errors or problems else 0


class Failure(Exception):
    pass


def verify(port, acked, data_dir, url, servers, args):
    """Every acknowledged upload: in the database with its SHA-256 (through the API), its file in
    the store with that content; no temporary file; `licheng check` clean; SQLite integrity."""
    problems = []
    admin = L.sign_in(port, *L.ADMIN)
    seen = {}
    page = 1
    while True:
        status, body = L.request(port, "GET", f"/api/v1/learning-results?per_page=200&page={page}", token=admin)
        if status != 200:
            return [f"list: {status} {body}"]
        for r in body["items"]:
            seen[r["id"]] = (r["document"] or {}).get("sha256"), r["state"]
        if page * 200 >= body["total"]:
            break
        page += 1
    for rid, sha in acked.items():
        got = seen.get(rid)
        if got is None:
            problems.append(f"result {rid} missing from the database")
            continue
        if got[0] != sha:
            problems.append(f"result {rid}: database sha256 {got[0]} != acknowledged {sha}")
        path = os.path.join(data_dir, "files", sha[:2], sha[2:4], sha)
        try:
            with open(path, "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != sha:
                    problems.append(f"result {rid}: stored file corrupt")
        except OSError:
            problems.append(f"result {rid}: stored file missing")
    tmp = os.path.join(data_dir, "files", "tmp")
    # Temporary files of live servers may exist only while an upload runs; none runs now.
    leftovers = os.listdir(tmp) if os.path.isdir(tmp) else []
    if leftovers:
        problems.append(f"{len(leftovers)} temporary files visible in files/tmp")
    for s in servers:
        s.stop()
    env = dict(os.environ, LICHENG_DATABASE_URL=url, LICHENG_DATA_DIR=data_dir, LICHENG_SECRET_KEY=SECRET)
    check = subprocess.run([L.BIN, "check", "--json"], env=env, capture_output=True, text=True)
    try:
        report = json.loads(check.stdout)
    except ValueError:
        report = {"raw": check.stdout[-500:] + check.stderr[-500:]}
    if check.returncode != 0:
        problems.append(f"licheng check failed: {json.dumps(report, ensure_ascii=False)[:500]}")
    else:
        print(f"  licheng check: {json.dumps(report, ensure_ascii=False)[:300]}")
    if url.startswith("sqlite://"):
        db = sqlite3.connect(url[len("sqlite://"):])
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        print(f"  SQLite integrity_check: {result}")
        if result != "ok":
            problems.append(f"SQLite integrity_check: {result}")
    return problems


if __name__ == "__main__":
    sys.exit(main())
