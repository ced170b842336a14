"""Shared pieces of the Licheng benchmarks: start the release binary on a fresh database, load a
generated school through the sync API, sign students in, and build multipart uploads. Standard
library only (a fresh machine has Python but nothing from PyPI)."""

import http.client
import json
import os
import random
import socket
import subprocess
import tempfile
import time
import uuid

SCHOOL = "999999"  # the demo school: its work periods are open around today
ADMIN = ("admin", "demo2026")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# The release binary cargo built: CARGO_TARGET_DIR when set (as cargo does).
BIN = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release", "licheng")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`licheng serve --demo` on a free loopback port with its own data directory."""

    def __init__(self, database_url=None, data_dir=None, extra_env=None, port=None, wrapper=(), start_seconds=60):
        self.dir = data_dir or tempfile.mkdtemp(prefix="licheng-bench-")
        self.port = port or free_port()
        self.database_url = database_url or f"sqlite://{self.dir}/licheng.db"
        env = {
            "PATH": os.environ.get("PATH", ""),
            "LICHENG_BIND": f"127.0.0.1:{self.port}",
            "LICHENG_DATA_DIR": self.dir,
            "LICHENG_DATABASE_URL": self.database_url,
            "LICHENG_CAPTCHA": "false",
            "LICHENG_LOG_LEVEL": "warn",
            "LICHENG_FRONTEND_DIR": os.path.join(self.dir, "no-frontend"),
            # Every simulated student signs in from 127.0.0.1.
            "LICHENG_SIGN_IN_CLIENT_LIMIT": "1000000",
        }
        env.update(extra_env or {})
        self.log = open(os.path.join(self.dir, "server.log"), "ab")
        self.proc = subprocess.Popen([*wrapper, BIN, "serve", "--demo"], env=env, stdout=self.log, stderr=self.log, cwd=self.dir)
        deadline = time.time() + start_seconds
        while True:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"licheng did not start; see {self.dir}/server.log")
            time.sleep(0.1)

    def _status(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def peak_rss_mb(self):
        """The server's peak resident memory (VmHWM) in MB since start or the last reset."""
        return self._status("VmHWM")

    def cpu_seconds(self):
        """User + system CPU time the server has used."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self):
        return self._status("VmRSS")

    def reset_peak_rss(self):
        """Resets VmHWM to the current RSS (Linux: `5` to /proc/PID/clear_refs)."""
        try:
            with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            pass

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def request(port, method, path, body=None, headers=None, token=None, timeout=300):
    """One request on a fresh connection; returns (status, parsed JSON or bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    conn.request(method, path, body=body, headers=h)
    res = conn.getresponse()
    data = res.read()
    conn.close()
    if res.getheader("Content-Type", "").startswith(("application/json", "application/problem+json")):
        return res.status, json.loads(data)
    return res.status, data


def national_id(n):
    """A valid Taiwanese national ID for number n (check digit computed)."""
    order = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
    letter = order[n % 26]
    second = "12"[n % 2]
    middle = f"{n % 10_000_000:07d}"
    for check in range(10):
        ident = f"{letter}{second}{middle}{check}"
        v = order.index(letter) + 10
        total = v // 10 + (v % 10) * 9 + int(second) * 8
        for i, d in enumerate(middle):
            total += int(d) * (7 - i)
        total += check
        if total % 10 == 0:
            return ident
    raise ValueError(n)


def sign_in(port, account, password, school=SCHOOL):
    status, body = request(port, "POST", "/api/v1/auth/sign-in", {"school": school, "account": account, "password": password})
    if status != 200:
        raise RuntimeError(f"sign-in {account}: {status} {body}")
    return body["access_token"]


def load_school(port, students, classes, teachers, term):
    """Pushes a generated school (staff, students, classes, one course per class and subject,
    enrolments, teaching) through the sync API of the demo school. Returns the students as
    (account, national_id, grade) and the teachers as (account, national_id)."""
    admin = sign_in(port, *ADMIN)
    status, key = request(port, "POST", "/api/v1/api-keys", {"name": f"bench-{uuid.uuid4().hex[:6]}", "scopes": ["sync", "read"]}, token=admin)
    assert status == 201, key
    key = key["secret"]
    year, sem = term
    staff = [{"number": f"T{i:04d}", "national_id": national_id(900_000 + i), "name": f"教師{i}", "email": None} for i in range(teachers)]
    class_rows = []
    for c in range(classes):
        grade = c % 3 + 1
        class_rows.append({"code": f"{grade}{c:02d}", "name": f"{grade}年{c}班", "grade": grade, "homeroom_teacher": staff[c % teachers]["number"]})
    student_rows = []
    for s in range(students):
        cls = class_rows[s % classes]
        student_rows.append({
            "number": f"S{s:05d}", "national_id": national_id(s + 1), "name": f"學生{s}", "birth_date": None, "gender": "M",
            "department": "普通科", "program": None, "division": "day", "entry_year": year - cls["grade"] + 1, "grade": cls["grade"],
            "class_code": cls["code"], "seat_no": s // classes + 1, "status": "在學", "email": None,
        })
    subjects = ["國語文", "英語文", "數學"]
    courses, teaching = [], []
    for c, cls in enumerate(class_rows):
        for j, subject in enumerate(subjects):
            code = f"108{SCHOOL}V1110{cls['grade']}0101{c % 100:02d}{j}"[:23].ljust(23, "0")
            courses.append({"course_code": code, "class_code": cls["code"], "subject_name": subject, "grade": cls["grade"], "credits": 4})
            teaching.append({"teacher_number": staff[(c * len(subjects) + j) % teachers]["number"], "course_code": code, "class_code": cls["code"]})
    by_class = {}
    for course in courses:
        by_class.setdefault(course["class_code"], []).append(course["course_code"])
    enrolments = [
        {"student_number": s["number"], "course_code": code, "class_code": s["class_code"], "kind": "regular"}
        for s in student_rows for code in by_class[s["class_code"]]
    ]
    for kind, rows in [("staff", staff), ("students", student_rows), ("classes", class_rows), ("courses", courses),
                       ("enrolments", enrolments), ("teaching-assignments", teaching)]:
        status, body = request(port, "POST", f"/api/v1/sync/{kind}", {"academic_year": year, "semester": sem, "rows": rows}, token=key)
        if status != 200:
            raise RuntimeError(f"sync {kind}: {status} {json.dumps(body, ensure_ascii=False)[:2000]}")
    return ([(f"{SCHOOL}_{s['number']}", s["national_id"], s["grade"]) for s in student_rows],
            [(f"{SCHOOL}_{t['number']}", t["national_id"]) for t in staff])


def first_sign_in(port, account, national_id, new_password="Bench-2026-pass"):
    """Signs in with the initial password (the national ID) and changes it, as every student must."""
    token = sign_in(port, account, national_id)
    status, body = request(port, "POST", "/api/v1/me/password", {"old_password": national_id, "new_password": new_password}, token=token)
    if status != 200:
        raise RuntimeError(f"password change {account}: {status} {body}")
    return body["access_token"]


def current_term(port):
    admin = sign_in(port, *ADMIN)
    status, body = request(port, "GET", "/api/v1/terms/current", token=admin)
    assert status == 200, body
    return body["term"]["academic_year"], body["term"]["semester"]


def multipart(fields, files):
    """(content type, body) of a multipart/form-data form; files are (field, filename, bytes)."""
    boundary = "----licheng-bench-" + uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n".encode())
    for name, filename, data in files:
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n".encode())
        parts.append(data)
        parts.append(b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def pdf(size, rng=random):
    return b"%PDF-1.7\n" + rng.randbytes(size - 9)


def mp4(size, rng=random):
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + rng.randbytes(size - 16)


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * (len(s) - 1)))))
    return s[k]
