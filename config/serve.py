"""The portal on one machine, as `make run` starts it: a web server, a task worker and the
scheduler of reminders, started and stopped together.

    python -m config.serve [--demo] [--dev] [--bind 127.0.0.1:8000] [--workers 3]

1. A secret key is generated into ``var/secret_key`` on the first run (unless SECRET_KEY
   is set), so that the settings, which refuse to start without one, can load.
2. The database is migrated, the cache table created, static files collected; with
   ``--demo`` the seed roadmaps and demo users are loaded.
3. gunicorn (``--dev``: Django's development server, DEBUG on), ``celery worker`` and
   ``celery beat`` run as child processes; the queue between them is the one the
   settings choose (files under ``var/tasks`` without REDIS_URL, Redis with it).
4. Ctrl+C or SIGTERM stops all three; if one of them stops, the others are stopped too; if
   the launcher itself is killed, the kernel stops them (Linux: ``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 15


def ensure_secret_key(env: dict[str, str]) -> None:
    """Generate the key file of the embedded default once; it never leaves this machine."""
    if env.get("SECRET_KEY"):
        return
    key_file = Path(env.get("VAR_DIR") or BASE_DIR / "var") / "secret_key"
    if key_file.exists():
        return
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
    print(f"Создан секретный ключ портала: {key_file}", flush=True)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def prepare(*, demo: bool, env: dict[str, str]) -> None:
    manage("migrate", "--noinput", "--verbosity", "0", env=env)
    manage("createcachetable", env=env)
    if env.get("DEBUG", "").lower() not in ("1", "true", "yes", "on"):
        manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    if demo:
        manage("seed_demo", "--demo", env=env)


def commands(*, bind: str, workers: int, dev: bool) -> dict[str, list[str]]:
    python = sys.executable
    web = (
        [python, "manage.py", "runserver", bind]
        if dev
        else [
            python, "-m", "gunicorn", "config.wsgi:application",
            "--bind", bind, "--workers", str(workers), "--timeout", "120",
            "--access-logfile", "-",
        ]
    )  # fmt: skip
    return {
        "web": web,
        "worker": [
            python, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO",
            "--concurrency=2", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        "beat": [python, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"],
    }  # fmt: skip


def _die_with_the_launcher() -> None:
    """In each child: if the launcher is killed outright (SIGKILL, a closed terminal), the
    kernel sends the child SIGTERM, so no server or worker is left running on its own."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run(children: dict[str, list[str]], *, env: dict[str, str]) -> int:
    """Start every child; return when a signal asks to stop or a child stops on its own."""
    stopping = False

    def ask_to_stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)
    processes = {
        name: subprocess.Popen(
            command, cwd=BASE_DIR, env=env, start_new_session=True, preexec_fn=_die_with_the_launcher
        )
        for name, command in children.items()
    }
    exited = None
    while not stopping and exited is None:
        exited = next((name for name, p in processes.items() if p.poll() is not None), None)
        time.sleep(0.5)
    if exited:
        print(f"Процесс «{exited}» остановился (код {processes[exited].returncode}); останавливаю остальные.")
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print("Портал остановлен.", flush=True)
    return 1 if exited else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="загрузить дорожные карты и демо-пользователей")
    parser.add_argument(
        "--dev", action="store_true", help="разработка: DEBUG и сервер Django с перезагрузкой"
    )
    parser.add_argument("--bind", default="127.0.0.1:8000", help="адрес:порт веб-сервера")
    parser.add_argument("--workers", type=int, default=3, help="число веб-процессов gunicorn")
    args = parser.parse_args(argv)

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if args.dev:
        env["DEBUG"] = "true"
    ensure_secret_key(env)
    try:
        prepare(demo=args.demo, env=env)
    except subprocess.CalledProcessError as error:
        print(f"Портал не запущен: команда «{' '.join(error.cmd[1:])}» завершилась с ошибкой.")
        return 1
    host, _, port = args.bind.rpartition(":")
    print(f"\nПортал: http://{host}:{port}/  (админка: http://{host}:{port}/admin/)", flush=True)
    print("Напоминания: планировщик (celery beat) и обработчик задач (celery worker) запущены.", flush=True)
    print("Остановить: Ctrl+C\n", flush=True)
    return run(commands(bind=args.bind, workers=args.workers, dev=args.dev), env=env)


if __name__ == "__main__":
    sys.exit(main())
