"""Where an authenticated read spends its time (issue #25): instruction counts with valgrind's
callgrind, which repeat from run to run on a loaded, shared machine where wall-clock figures do not.

The school of `scripts/bench/reads` (3,000 students, a teacher's queue of 34 results, a student
with one result) is loaded by the release binary at full speed; then the same data directory and
database are served by the release binary under `valgrind --tool=callgrind --instr-atstart=no`,
each endpoint gets WARMUP requests uninstrumented (connections, statement caches and the principal
cache warm, as in steady state), then N requests on one keep-alive connection with
instrumentation on (`callgrind_control -i on`), dumped per endpoint (`callgrind_control -d`).
Prints instructions per request for each endpoint and the inclusive share of: the token check
(JWT decode), the principal (cache or load), the pool checkout, the blocking-pool hop, the
queries (SQLite prepare / step, or libpq round trips — PostgreSQL's own work runs in its server
processes and is not counted here), the handler's count and page queries, and JSON. The raw
`callgrind_annotate --inclusive=yes` output of each endpoint is kept in the output directory.

Usage: scripts/bench/profile [--backend sqlite|postgres] [--requests 200] [--out DIR]
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
sys.path.insert(0, os.path.dirname(__file__))
import licheng_load as L  # noqa: E402
import reads  # noqa: E402

SECRET = "profile-benchmark-secret-key-0123456789abcdef"

# (label, regular expression over callgrind_annotate's function names); the largest inclusive
# cost of the functions matching is shown (the outermost frame, so nested frames are not added).
PARTS = [
    ("actix request (whole)", r"actix_http::h1::dispatcher::Dispatcher<.*>::poll|<actix_http::h1::dispatcher::Dispatcher<T,S,B,X,U> as core::future::future::Future>::poll"),
    ("token check (JWT decode)", r"licheng::auth::jwt::decode"),
    ("principal (cache or load)", r"licheng::auth::authenticate::\{\{closure\}\}"),
    ("principal load from the DB", r"licheng::auth::load_user_principal"),
    ("blocking-pool hop (spawn)", r"tokio::runtime::blocking::pool::Spawner::spawn_blocking|tokio::runtime::blocking::pool::spawn_blocking"),
    ("pool checkout (r2d2 get)", r"r2d2::Pool<M>::get"),
    ("SQLite prepare", r"^sqlite3LockAndPrepare|^sqlite3_prepare_v[23]?$"),
    ("SQLite step", r"^sqlite3_step$"),
    ("libpq round trips", r"^PQexecPrepared$|^PQexecParams$|^PQprepare$|^PQexec$|^PQgetResult$"),
    ("diesel get_result (counts, one-row)", r"diesel::query_dsl::RunQueryDsl::get_result$|diesel::query_dsl::RunQueryDsl::first$"),
    ("diesel load (pages, lists)", r"diesel::query_dsl::RunQueryDsl::load$"),
    ("JSON (serde_json)", r"serde_json::ser::to_writer|serde_json::ser::to_vec|<actix_web::types::json::Json<T> as actix_web::responder::Responder>::respond_to"),
    ("allocator (malloc+free)", r"^(malloc|free|realloc|calloc)(@|$)"),
]


def annotate(path):
    """{function: inclusive Ir} and the total, from callgrind_annotate --inclusive=yes."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"^([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", out, re.M).group(1).replace(",", ""))
    funcs = {}
    for m in re.finditer(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(?:\S+?:)?(.+?)(?: \[[^\]]*\])?\s*$", out, re.M):
        name = m.group(2)
        cost = int(m.group(1).replace(",", ""))
        funcs[name] = max(cost, funcs.get(name, 0))
    return total, funcs, out


def requests(port, path, token, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(n):
        for attempt in range(3):
            try:
                conn.request("GET", path, headers=headers)
                res = conn.getresponse()
                res.read()
                break
            except (ConnectionResetError, http.client.RemoteDisconnected):
                # Under callgrind (a debug build especially) the server can take longer than
                # its client timeout to read a new connection's first request: connect again.
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
                if attempt == 2:
                    raise
        if res.status != 200:
            raise RuntimeError(f"{path}: {res.status}")
    conn.close()


def callgrind_control(*args):
    subprocess.run(["callgrind_control", *args], check=True, capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--pg", default=os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--requests", type=int, default=200, help="instrumented requests per endpoint")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--principal-cache-seconds", default="3600", help="long by default: under callgrind a request is ~50× slower, so a 5 s lifetime would reload far more often than at full speed")
    ap.add_argument("--bin", default=None, help="the licheng binary to run (default: the release build, %s)" % L.BIN)
    ap.add_argument("--out", default=None, help="directory for the callgrind files and annotations (default: a temporary one)")
    args = ap.parse_args()
    if args.bin:
        L.BIN = os.path.abspath(args.bin)
    out_dir = args.out or tempfile.mkdtemp(prefix="licheng-profile-")
    os.makedirs(out_dir, exist_ok=True)
    data_dir = tempfile.mkdtemp(prefix="licheng-profile-data-")
    url, pg_name = None, None
    if args.backend == "postgres":
        url, pg_name = reads.fresh_pg_database(args.pg)
    env = {"LICHENG_SECRET_KEY": SECRET, "LICHENG_PRINCIPAL_CACHE_SECONDS": args.principal_cache_seconds, "LICHENG_REMINDER_INTERVAL_SECONDS": "0"}
    try:
        server = L.Server(database_url=url, data_dir=data_dir, extra_env=env)
        try:
            endpoints, _ = reads.prepare(server.port)
        finally:
            server.stop()
        url = server.database_url
        wrapper = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out_dir}/callgrind.out.%p"]
        server = L.Server(database_url=url, data_dir=data_dir, extra_env=env, wrapper=wrapper, start_seconds=600)
        rows = []
        try:
            pid = str(server.proc.pid)
            for name, path, token in endpoints:
                requests(server.port, path, token, args.warmup)
                callgrind_control("-z", pid)
                callgrind_control("-i", "on", pid)
                t0 = time.time()
                requests(server.port, path, token, args.requests)
                callgrind_control("-i", "off", pid)
                label = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
                callgrind_control("-d", label, pid)
                time.sleep(1)
                rows.append((name, label, time.time() - t0))
        finally:
            server.stop()
        # One numbered dump per endpoint, in order (callgrind.out.PID.1, .2, …); the unnumbered
        # one is written at exit.
        dumps = sorted((f for f in os.listdir(out_dir) if re.fullmatch(r"callgrind\.out\.\d+\.\d+", f)), key=lambda f: int(f.rsplit(".", 1)[1]))
        report = {}
        print(f"== callgrind profile, {args.backend}, {args.requests} requests per endpoint after {args.warmup} warm-up "
              f"(principal_cache_seconds={args.principal_cache_seconds}); instructions (Ir) per request")
        for (name, label, _), dump in zip(rows, dumps):
            path = os.path.join(out_dir, dump)
            total, funcs, text = annotate(path)
            with open(os.path.join(out_dir, f"{label}.annotate.txt"), "w") as f:
                f.write(text)
            per = total / args.requests
            parts = {}
            for part, pattern in PARTS:
                rx = re.compile(pattern)
                cost = max((c for fn, c in funcs.items() if rx.search(fn)), default=0)
                parts[part] = cost / args.requests
            report[name] = {"ir_per_request": per, "parts": parts}
            print(f"\n  {name}: {per:,.0f} Ir/request")
            for part, cost in parts.items():
                if cost:
                    print(f"    {part:<38} {cost:>12,.0f}  {cost / per * 100:5.1f}%")
        with open(os.path.join(out_dir, "profile.json"), "w") as f:
            json.dump(report, f, indent=1)
        print(f"\n  files: {out_dir}")
    finally:
        if pg_name:
            reads.drop_pg_database(args.pg, pg_name)
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
