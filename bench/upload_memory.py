"""Upload memory under attack: the peak RSS of the web server and of the capture worker.

The attack from the security review: twenty 57 KB PNGs of 7,700 x 7,700 pixels in one
request, six such requests at once. Then what a real user sends: twenty 48-megapixel phone
photos (JPEG) in one request, read by the capture worker. The web server is gunicorn as in
production (2 workers); the capture worker is a real Celery worker (prefork, 2 processes)
on PostgreSQL and Redis.

Peak RSS is each process's high-water mark (VmHWM in /proc); "web" is the largest of
gunicorn's processes, "worker" the largest of the capture worker's.

    .venv/bin/python bench/upload_memory.py

The last line is one JSON object: web_peak_mb, worker_peak_mb, and the details.
"""

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import drop_database, free_port, recreate_database, sandbox_environment  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dext_bench_upload")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "bench-password-123"
WEB_TARGET_MB = 300
WORKER_TARGET_MB = 600


def bomb_png() -> bytes:
    """A real PNG of 7,700 x 7,700 pixels that compresses to a few dozen KB."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (7700, 7700), 255)
    draw = ImageDraw.Draw(image)
    for y in range(0, 7700, 97):
        draw.line((0, y, 7700, y), fill=0, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def phone_photo(seed: int) -> bytes:
    """A 48-megapixel JPEG with a receipt in it (what a phone's full-resolution mode gives)."""
    from PIL import Image

    from capture import samples

    receipt = samples.receipt_image(samples.receipt_answer(seed)).convert("RGB")
    photo = Image.new("RGB", (8000, 6000), (96, 92, 88))
    big = receipt.resize((receipt.width * 6, receipt.height * 6))
    photo.paste(big, ((8000 - big.width) // 2, max(0, (6000 - big.height) // 2)))
    out = io.BytesIO()
    photo.save(out, format="JPEG", quality=80)
    return out.getvalue()


def _status_mb(pids: list[int], field: str) -> float:
    """The largest value of a /proc status field (VmHWM: peak, VmRSS: now) among pids, in MB."""
    best = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(rf"{field}:\s+(\d+) kB", status)
        if match:
            best = max(best, int(match.group(1)))
    return round(best / 1024, 1)


def peak_mb(pids: list[int]) -> float:
    return _status_mb(pids, "VmHWM")


def current_mb(pids: list[int]) -> float:
    return _status_mb(pids, "VmRSS")


def family(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = (int(part) for part in line.split())
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def wait_for(url: str, timeout: float = 60.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def logged_in_session(base: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "bench@example.com", "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    response.raise_for_status()
    return session


def upload(session, base: str, files: list[tuple[str, bytes, str]]) -> int:
    page = session.get(f"{base}/inbox/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/inbox/upload/",
        data={"csrfmiddlewaretoken": token},
        files=[("files", (name, content, content_type)) for name, content, content_type in files],
        headers={"Referer": f"{base}/inbox/"},
        timeout=300,
    )
    return response.status_code


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    media = tempfile.mkdtemp(prefix="dext-bench-media-")
    queue = f"bench-capture-{uuid.uuid4().hex[:8]}"
    env = sandbox_environment(
        database_url=DATABASE_URL, port=port, CELERY_BROKER_URL=REDIS_URL, CELERY_RESULT_BACKEND=REDIS_URL,
        REDIS_URL=REDIS_URL, MEDIA_ROOT=media, CAPTURE_QUEUE=queue, CELERY_TASK_DEFAULT_QUEUE=f"{queue}-default",
        CONN_MAX_AGE="0",
    )
    recreate_database(DATABASE_URL)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from dext.tenancy.models import Business, Membership, Role

    user = get_user_model().objects.create_user("bench@example.com", "bench@example.com", PASSWORD)
    business = Business.objects.create(name="Bench Ltd", country="GB", base_currency="GBP")
    Membership.objects.create(user=user, business=business, role=Role.ADMINISTRATOR)

    web = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "gunicorn", "dext.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "300", "--max-requests", "1000", "--max-requests-jitter", "100"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "celery", "-A", "dext", "worker", "-Q", queue, "--concurrency", "2",
         "--loglevel", "WARNING", "-n", f"{queue}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        wait_for(f"{base}/accounts/login/")
        time.sleep(3)  # the worker imports the OCR engine
        session = logged_in_session(base)
        session.get(f"{base}/inbox/")
        web_pids, worker_pids = family(web.pid), family(worker.pid)
        web_idle = current_mb(web_pids)
        worker_idle = current_mb(worker_pids)

        bomb = bomb_png()
        attack = [(f"bomb-{n}.png", bomb, "image/png") for n in range(20)]
        statuses: list[int] = []
        started = time.monotonic()
        threads = [threading.Thread(target=lambda: statuses.append(upload(logged_in_session(base), base, attack)))
                   for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        attack_seconds = time.monotonic() - started
        web_after_attack = current_mb(family(web.pid))
        web_peak_attack = peak_mb(family(web.pid))

        photos = [(f"photo-{n}.jpg", phone_photo(n), "image/jpeg") for n in range(20)]
        photo_status = upload(session, base, photos)
        deadline = time.monotonic() + 600
        from items.models import Item, ItemStatus

        while time.monotonic() < deadline:
            if not Item.objects.filter(business=business, status=ItemStatus.PROCESSING).exists():
                break
            time.sleep(1)
        processing_left = Item.objects.filter(business=business, status=ItemStatus.PROCESSING).count()
        accepted = Item.objects.filter(business=business).count()
        web_peak = peak_mb(family(web.pid))
        worker_peak = peak_mb(family(worker.pid))
    finally:
        for process in (web, worker):
            try:
                os.killpg(process.pid, 15)
                process.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, 9)
        from django.db import connections

        connections.close_all()
        drop_database(DATABASE_URL)

    rows = [
        ("PNG size (7,700 x 7,700 px)", f"{len(bomb) / 1024:.0f} KB"),
        ("Attack: 6 requests x 20 PNGs", f"{attack_seconds:.1f} s, HTTP {sorted(set(statuses))}"),
        ("Web idle RSS (largest process)", f"{web_idle} MB"),
        ("Web peak RSS during the attack", f"{web_peak_attack} MB"),
        ("Web RSS after the attack", f"{web_after_attack} MB"),
        ("Real upload: 20 phone photos of 48 Mpx", f"HTTP {photo_status}, {accepted} items, {processing_left} left"),
        ("Web peak RSS overall (target < 300 MB)", f"{web_peak} MB"),
        ("Capture worker idle RSS", f"{worker_idle} MB"),
        ("Capture worker peak RSS (target <= 600 MB)", f"{worker_peak} MB"),
    ]
    width = max(len(label) for label, _ in rows)
    print("Upload memory (gunicorn 2 workers; capture worker prefork 2)")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(json.dumps({
        "web_peak_mb": web_peak, "worker_peak_mb": worker_peak, "web_idle_mb": web_idle,
        "web_after_attack_mb": web_after_attack, "worker_idle_mb": worker_idle,
        "attack_seconds": round(attack_seconds, 1), "photos_accepted": accepted, "photos_left_processing": processing_left,
        "web_target_mb": WEB_TARGET_MB, "worker_target_mb": WORKER_TARGET_MB,
    }))


if __name__ == "__main__":
    main()
