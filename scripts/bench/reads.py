"""Read benchmark (issues #9, #25): an authenticated student list (the admin's `GET /students`,
page 1 of a 3,000-student school), a teacher's certification queue (`GET /certification/results`
with 34 waiting results), a student's own learning results (`GET /learning-results`) and a bare
`GET /me`, each under 64 concurrent keep-alive connections with wrk, against `/healthz` measured
in the same run as the ceiling. Prints requests/s, latency and the ratio (target: each read
endpoint at least 25% of /healthz on SQLite, 10% on PostgreSQL)."""

import argparse
import concurrent.futures as cf
import os
import random
import re
import subprocess
import sys

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


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument("--principal-cache-seconds", default=None, help="the server's principal_cache_seconds (default: its default, 5; 0 turns the cache off)")
    args = ap.parse_args()
    extra = {} if args.principal_cache_seconds is None else {"LICHENG_PRINCIPAL_CACHE_SECONDS": str(args.principal_cache_seconds)}
    server = L.Server(database_url=args.database_url, extra_env=extra)
    try:
        term = L.current_term(server.port)
        students, teachers = L.load_school(server.port, students=3000, classes=90, teachers=150, term=term)
        # Class 0's students (every 90th) upload and submit a 国語文 result: teacher T0000's queue.
        rng = random.Random(3)

        student_tokens = []

        def submit(s):
            token = L.first_sign_in(server.port, s[0], s[1])
            student_tokens.append(token)
            status, body = L.request(server.port, "GET", "/api/v1/me/courses", token=token)
            course = next(c["id"] for c in body["courses"] if c["subject_name"] == "國語文")
            ct, form = L.multipart([("course_id", course), ("description", "讀取測試")], [("document", "a.pdf", L.pdf(20_000, rng))])
            status, r = L.request(server.port, "POST", "/api/v1/learning-results", form, {"Content-Type": ct}, token)
            assert status == 201, r
            status, r = L.request(server.port, "POST", f"/api/v1/learning-results/{r['id']}/submit", {}, token=token)
            assert status == 200, r

        with cf.ThreadPoolExecutor(8) as pool:
            list(pool.map(submit, students[::90]))
        admin = L.sign_in(server.port, *L.ADMIN)
        teacher = L.first_sign_in(server.port, *teachers[0])
        status, queue = L.request(server.port, "GET", "/api/v1/certification/results?state=submitted", token=teacher)
        assert status == 200 and queue["total"] == len(students[::90]), queue
        status, page = L.request(server.port, "GET", "/api/v1/students?per_page=30", token=admin)
        assert status == 200 and page["total"] == 3000, page["total"]  # the sync snapshot replaced the demo students
        print(f"== reads: {args.connections} connections, {args.seconds} s each, wrk -t{args.threads}, {server.database_url.split(':')[0]}")
        results = {}
        for name, path, token in [("/healthz (ceiling)", "/healthz", None),
                                  ("student list", "/api/v1/students?per_page=30", admin),
                                  ("teacher queue", "/api/v1/certification/results?state=submitted", teacher),
                                  ("own results", "/api/v1/learning-results", student_tokens[0]),
                                  ("GET /me", "/api/v1/me", student_tokens[0])]:
            results[name] = wrk(server.port, path, token, args.connections, args.seconds, args.threads)
    finally:
        server.stop()
    ceiling = results["/healthz (ceiling)"][0]
    print(f"  {'endpoint':<20} {'req/s':>9} {'p50':>9} {'p99':>9} {'of /healthz':>12}  errors")
    bad = 0
    for name, (rps, p50, p99, non2xx, errors) in results.items():
        bad += non2xx
        print(f"  {name:<20} {rps:>9.0f} {p50:>9} {p99:>9} {rps / ceiling * 100:>11.1f}%  {non2xx} non-2xx {errors}")
    print("  target: each read endpoint ≥ 25% of /healthz")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
