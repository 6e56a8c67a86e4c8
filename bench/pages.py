"""Requests per second of the pages that matter, through the Flask test client.

Run with ``.venv/bin/python -m bench.pages`` (``--profile NAME`` prints the
cProfile of one page instead). It builds a temporary SQLite database with the
demo data, BENCH_ROWS requests of the passports sector (default 5000, one in
fifty the demo citizen's), and reads each page BENCH_READS times (default 300)
signed in as the demo citizen or agent. It prints requests per second of wall
time and of the process's CPU time (which other work on the machine disturbs
less), and the latter as a share of ``/healthz``, the constant route; the
machine's load average is printed beside.
"""

import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time

import migrations
from app import create_app
from domain.demo import seed_demo
from domain.scale import seed_scale
from models import ServiceRequest, User, db
from tests.helpers.accounts import DEMO, sign_in
from tests.helpers.pages import PortalClient

READS = int(os.environ.get("BENCH_READS", 300))
BOOK = "/appointments/book?sector=passports&service=passport_renew&region=riyadh&branch=passports_riyadh_north"
HX = {"HX-Request": "true"}


def pages(reference, day):
    """(name, who, url, headers) of each measured page."""
    return [
        ("constant route /healthz", "anonymous", "/healthz", {}),
        ("sector → services partial", "citizen", "/messages/new/services?sector=passports", HX),
        ("booking dates partial", "citizen", BOOK, {**HX, "HX-Target": "after-branch"}),
        ("booking times partial", "citizen", f"{BOOK}&date={day}", {**HX, "HX-Target": "after-date"}),
        ("home page", "citizen", "/", {}),
        ("«طلباتي»", "citizen", "/messages", {}),
        ("request page", "citizen", f"/messages/{reference}", {}),
        ("agent inbox", "agent", "/sector/inbox", {}),
        ("request confirmation PDF", "citizen", f"/messages/{reference}/confirmation.pdf", {}),
    ]


def per_second(client, url, headers, reads):
    """(requests per second of wall time, of this process's CPU time): the second one is what a
    busy machine disturbs least."""
    client.get(url, headers=headers)  # warms caches
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(reads):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    return reads / (time.perf_counter() - started), reads / (time.process_time() - cpu)


def main():
    rows = int(os.environ.get("BENCH_ROWS", "5000"))
    folder = tempfile.mkdtemp(prefix="tawasul-pages-")
    profile = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--profile" else None
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "DATABASE_URL": "sqlite:///" + os.path.join(folder, "pages.db"),
                "DEMO_MODE": True,
                "WTF_CSRF_ENABLED": False,
                "HUEY_IMMEDIATE": True,
                "UPLOAD_FOLDER": folder,
            }
        )
        app.test_client_class = PortalClient
        with app.app_context(), db.connection_context():
            migrations.upgrade()
            seed_demo()
            seed_scale(requests=rows, appointments=0, deliveries=0)
            citizen = User.get(User.national_id == DEMO["citizen"])
            reference = ServiceRequest.select().where(ServiceRequest.user == citizen).first()
            if reference is None:  # the synthetic rows belong to synthetic people: give the citizen one
                reference = ServiceRequest.select().first()
                ServiceRequest.update(user=citizen).where(ServiceRequest.id == reference.id).execute()
            reference = reference.reference
        with app.test_request_context(), db.connection_context():
            from domain import appointments as booking
            from models import Branch

            day = booking.open_days(Branch.get(Branch.code == "passports_riyadh_north"))[1].isoformat()
        clients = {
            "anonymous": app.test_client(),
            "citizen": sign_in(app.test_client(), DEMO["citizen"]),
            "agent": sign_in(app.test_client(), DEMO["agent"]),
        }
        constant = None
        for name, who, url, headers in pages(reference, day):
            reads = READS // 10 if url.endswith(".pdf") else READS
            if profile:
                if profile not in name:
                    continue
                profiler = cProfile.Profile()
                profiler.enable()
                rate = per_second(clients[who], url, headers, reads)
                profiler.disable()
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            else:
                rate = per_second(clients[who], url, headers, reads)
            wall, cpu = rate
            constant = constant or cpu
            print(
                f"{name:<30} {wall:>7.0f} req/s {cpu:>7.0f} req/CPU-s  {100 * cpu / constant:>5.1f}% of /healthz",
                flush=True,
            )
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(f"load average {load}")
    finally:
        if not db.is_closed():
            db.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
