"""Resident memory of one process over repeated PDF renders (the request confirmation).

Run with ``.venv/bin/python -m bench.pdf_memory [renders]`` (default 1000): it
prints the RSS after 1, 100, 500 and 1000 renders. A render that leaves memory
behind shows as a steady climb; a healthy process levels off after the first
hundred.
"""

import os
import shutil
import sys
import tempfile
import time

import migrations
from app import create_app
from domain import requests as pipeline
from domain.demo import seed_demo
from domain.tokens import new_token
from models import Sector, Service, User, db
from views.printing import render_pdf


def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    renders = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    marks = {1, 100, 500, 1000, renders}
    folder = tempfile.mkdtemp(prefix="tawasul-pdf-")
    try:
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": "sqlite:///" + os.path.join(folder, "pdf.db")}
        )
        with app.test_request_context("/"), db.connection_context():
            migrations.upgrade()
            seed_demo()
            citizen = User.get(User.national_id == "1000000008")
            sector = Sector.get(Sector.code == "passports")
            service = Service.select().where(Service.sector == sector).first()
            service_request = pipeline.submit(citizen, sector, service, "تجربة الطباعة", "نص", [], new_token())
            started = time.perf_counter()
            for n in range(1, renders + 1):
                render_pdf("pdf/request_confirmation.html", service_request=service_request)
                if n in marks:
                    print(
                        f"{n:>5} renders: RSS {rss_mb():6.1f} MB  ({time.perf_counter() - started:6.1f} s)", flush=True
                    )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load}")


if __name__ == "__main__":
    main()
