"""Read benchmark (issues #9, #25): an authenticated student list (the admin's `GET /students`,
page 1 of a 3,000-student school), a teacher's certification queue (`GET /certification/results`
with 34 waiting results), a student's own learning results (`GET /learning-results`) and a bare
`GET /me`, each under 64 concurrent keep-alive connections with wrk, against `/healthz` measured
in the same run as the ceiling. Prints requests/s, latency and the ratio (target: each read
endpoint at least 25% of /healthz on SQLite, 10% on PostgreSQL). Then the sign-in part: the
argon2 ceiling (verifications/s of the configured parameters on the hashing pool) and successful
sign-ins/s from as many clients, against it (target 90%)."""

import argparse
import concurrent.futures as cf
import os
import random
import re
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import licheng_load as L  # noqa: E402


def wrk(port, path, token, connections, seconds, threads):
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0, errors.group(0) if errors else ""


PASSWORD = "Bench-2026-pass"  # what L.first_sign_in sets


def fresh_pg_database(base):
    name = "licheng_reads_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    return f"{base}/{name}", name


def drop_pg_database(base, name):
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=False)


def prepare(port):
    """Loads the school (3,000 students, 90 classes, 150 teachers) and has class 0's students
    (every 90th) upload and submit a 國語文 result: teacher T0000's queue. Returns the endpoints
    measured, as (name, path, token), the first being /healthz, and the students' accounts."""
    term = L.current_term(port)
    students, teachers = L.load_school(port, students=3000, classes=90, teachers=150, term=term)
    rng = random.Random(3)
    student_tokens = []

    def submit(s):
        token = L.first_sign_in(port, s[0], s[1])
        student_tokens.append(token)
        status, body = L.request(port, "GET", "/api/v1/me/courses", token=token)
        course = next(c["id"] for c in body["courses"] if c["subject_name"] == "國語文")
        ct, form = L.multipart([("course_id", course), ("description", "讀取測試")], [("document", "a.pdf", L.pdf(20_000, rng))])
        status, r = L.request(port, "POST", "/api/v1/learning-results", form, {"Content-Type": ct}, token)
        assert status == 201, r
        status, r = L.request(port, "POST", f"/api/v1/learning-results/{r['id']}/submit", {}, token=token)
        assert status == 200, r

    with cf.ThreadPoolExecutor(8) as pool:
        list(pool.map(submit, students[::90]))
    admin = L.sign_in(port, *L.ADMIN)
    teacher = L.first_sign_in(port, *teachers[0])
    status, queue = L.request(port, "GET", "/api/v1/certification/results?state=submitted", token=teacher)
    assert status == 200 and queue["total"] == len(students[::90]), queue
    status, page = L.request(port, "GET", "/api/v1/students?per_page=30", token=admin)
    assert status == 200 and page["total"] == 3000, page["total"]  # the sync snapshot replaced the demo students
    endpoints = [("/healthz (ceiling)", "/healthz", None),
                 ("student list", "/api/v1/students?per_page=30", admin),
                 ("teacher queue", "/api/v1/certification/results?state=submitted", teacher),
                 ("own results", "/api/v1/learning-results", student_tokens[0]),
                 ("GET /me", "/api/v1/me", student_tokens[0])]
    return endpoints, [s[0] for s in students[::90]]


def argon2_ceiling(server, seconds):
    """Verifications per second with the configured argon2 parameters on the hashing pool
    (`licheng bench-argon2`, the same code and pool size as the server's sign-in), measured
    while the server is idle."""
    out = subprocess.run([L.BIN, "bench-argon2", "--seconds", str(seconds)], capture_output=True, text=True, check=True,
                         env={"PATH": os.environ.get("PATH", ""), "LICHENG_DATA_DIR": server.dir, "LICHENG_DATABASE_URL": server.database_url}).stdout
    return float(re.search(r"([\d.]+) verifications/s", out).group(1)), out.strip()


def sign_ins(port, accounts, connections, seconds):
    """Successful sign-ins per second from `connections` clients cycling over `accounts`."""
    stop = time.monotonic() + seconds
    latencies, errors = [], [0]

    def client(i):
        n = i
        while time.monotonic() < stop:
            account = accounts[n % len(accounts)]
            n += connections
            t0 = time.perf_counter()
            status, _ = L.request(port, "POST", "/api/v1/auth/sign-in", {"school": L.SCHOOL, "account": account, "password": PASSWORD})
            if status == 200:
                latencies.append(time.perf_counter() - t0)
            else:
                errors[0] += 1

    t0 = time.perf_counter()
    with cf.ThreadPoolExecutor(connections) as pool:
        list(pool.map(client, range(connections)))
    elapsed = time.perf_counter() - t0
    return len(latencies) / elapsed, L.percentile(latencies, 50) * 1000, L.percentile(latencies, 99) * 1000, errors[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg", default=os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432"), help="PostgreSQL server (without database) for --backend postgres: a fresh database is created and dropped")
    ap.add_argument("--database-url", default=None, help="an existing, empty database instead (sqlite://… or postgres://…)")
    ap.add_argument("--principal-cache-seconds", default=None, help="the server's principal_cache_seconds (default: its default, 5; 0 turns the cache off)")
    ap.add_argument("--bin", default=None, help="the licheng binary to run (default: the release build, %s)" % L.BIN)
    ap.add_argument("--no-sign-in", action="store_true", help="skip the sign-in part (argon2 ceiling and sign-in throughput)")
    args = ap.parse_args()
    if args.bin:
        L.BIN = os.path.abspath(args.bin)
    extra = {} if args.principal_cache_seconds is None else {"LICHENG_PRINCIPAL_CACHE_SECONDS": str(args.principal_cache_seconds)}
    url, pg_name = args.database_url, None
    if url is None and args.backend == "postgres":
        url, pg_name = fresh_pg_database(args.pg)
    server = L.Server(database_url=url, extra_env=extra)
    try:
        endpoints, accounts = prepare(server.port)
        if server.database_url.startswith("postgres"):
            # A live server's autovacuum analyzes a bulk-loaded table within a minute; without
            # statistics the planner takes the school for a handful of rows and plans accordingly.
            subprocess.run(["psql", server.database_url, "-qc", "ANALYZE"], check=True)
        print(f"== reads: {args.connections} connections, {args.seconds} s each, wrk -t{args.threads}, {server.database_url.split(':')[0]}")
        results = {}
        for name, path, token in endpoints:
            results[name] = wrk(server.port, path, token, args.connections, args.seconds, args.threads)
        if not args.no_sign_in:
            # The ceiling before and after the sign-ins, the higher counting: on a shared machine
            # one measurement alone may catch a quiet or a busy moment.
            before = argon2_ceiling(server, args.seconds)
            signed = sign_ins(server.port, accounts, args.connections, args.seconds)
            ceiling_rate, ceiling_text = max(before, argon2_ceiling(server, args.seconds), key=lambda c: c[0])
    finally:
        server.stop()
        if pg_name:
            drop_pg_database(args.pg, pg_name)
    ceiling = results["/healthz (ceiling)"][0]
    print(f"  {'endpoint':<20} {'req/s':>9} {'p50':>9} {'p99':>9} {'of /healthz':>12}  errors")
    bad = 0
    for name, (rps, p50, p99, non2xx, errors) in results.items():
        bad += non2xx
        print(f"  {name:<20} {rps:>9.0f} {p50:>9} {p99:>9} {rps / ceiling * 100:>11.1f}%  {non2xx} non-2xx {errors}")
    target = 10 if server.database_url.startswith("postgres") else 25
    print(f"  target: each read endpoint ≥ {target}% of /healthz, p99 < 50 ms")
    if not args.no_sign_in:
        rate, p50, p99, errors = signed
        bad += errors
        print(f"  argon2 ceiling: {ceiling_text}")
        print(f"  sign-in: {rate:.1f}/s ({rate / ceiling_rate * 100:.0f}% of the argon2 ceiling {ceiling_rate:.1f}/s), "
              f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {errors} errors ({args.connections} clients, {len(accounts)} accounts); target ≥ 90%")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
