"""Load test on loopback: N concurrent Streamlit sessions walk the family journey (bounded, on demand).

Run: ``.venv/bin/python benchmarks/load.py [--sessions 20] [--rounds 1] [--url http://127.0.0.1:PORT]``.
Starts ``streamlit run app.py`` on a free local port (unless ``--url`` is given) and opens N websocket
sessions speaking Streamlit's own protocol (``/_stcore/stream``, protobuf ``BackMsg``/``ForwardMsg``),
the way the browser does, but without N browsers competing for the CPU. Every session runs the pages
Family → Costs → Units → Summary → Planner → Staff (each run = one ``rerun_script`` until
``script_finished``). Prints per-page p50/p95/max server time (request sent → script finished, seconds),
the error count (exceptions drawn on a page, "page not found", error boundary messages, timeouts,
dropped connections), the server's CPU seconds and the load average (the machine is shared: figures
vary with the other work on it).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["family", "costs", "units", "summary", "planner", "staff"]
TIMEOUT_S = 300.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("streamlit did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children that were waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def _error_text(delta) -> str | None:
    """An error drawn on the page: an exception element, or an error box from the error boundary."""
    element = delta.new_element if delta.HasField("new_element") else None
    if element is None:
        return None
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception: {element.exception.type}"
    if kind == "alert" and element.alert.format == element.alert.ERROR:
        return "error box"
    return None


async def _run_page(ws, page: str) -> tuple[float, list[str]]:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = BackMsg()
    message.rerun_script.query_string = "lang=en"
    message.rerun_script.page_name = page
    start = time.perf_counter()
    await ws.send(message.SerializeToString())
    errors: list[str] = []
    while True:
        raw = await asyncio.wait_for(ws.recv(), timeout=TIMEOUT_S)
        forward = ForwardMsg()
        forward.ParseFromString(raw)
        kind = forward.WhichOneof("type")
        if kind == "delta":
            text = _error_text(forward.delta)
            if text:
                errors.append(f"{page}: {text}")
        elif kind == "page_not_found":
            errors.append(f"{page}: page not found")
        elif kind == "script_finished":
            if forward.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                return time.perf_counter() - start, errors
            if forward.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return time.perf_counter() - start, errors + [f"{page}: compile error"]


async def _session(url: str, rounds: int, timings: dict[str, list[float]], errors: list[str]) -> None:
    import websockets

    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with websockets.connect(stream, subprotocols=["streamlit"], max_size=2**26,
                                      open_timeout=TIMEOUT_S) as ws:
            for _ in range(rounds):
                for page in PAGES:
                    seconds, problems = await _run_page(ws, page)
                    timings[page].append(seconds)
                    errors.extend(problems)
    except (asyncio.TimeoutError, OSError, Exception) as error:  # noqa: BLE001 - counted, not raised
        errors.append(f"session: {type(error).__name__}")


async def _load(url: str, sessions: int, rounds: int) -> tuple[dict[str, list[float]], list[str], float]:
    timings: dict[str, list[float]] = {page: [] for page in PAGES}
    errors: list[str] = []
    start = time.perf_counter()
    await asyncio.gather(*(_session(url, rounds, timings, errors) for _ in range(sessions)))
    return timings, errors, time.perf_counter() - start


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * (len(ordered) - 1)))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1, help="times each session walks the pages")
    parser.add_argument("--url", default=None, help="an already running app (default: start one)")
    args = parser.parse_args()
    process, url = (None, args.url) if args.url else _start_server()
    try:
        # One warm-up session: the dataset and routing engines load once per process.
        asyncio.run(_load(url, 1, 1))
        cpu_before = _cpu_seconds(process.pid) if process else float("nan")
        load_before = Path("/proc/loadavg").read_text().split()[:3]
        timings, errors, wall = asyncio.run(_load(url, args.sessions, args.rounds))
        cpu = (_cpu_seconds(process.pid) - cpu_before) if process else float("nan")
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    runs = sum(len(v) for v in timings.values())
    every = [s for v in timings.values() for s in v]
    print(f"{args.sessions} concurrent sessions x {args.rounds} round(s) x {len(PAGES)} pages = {runs} page runs "
          f"in {wall:.1f} s wall; load average before {' '.join(load_before)}, after "
          f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])} ({os.cpu_count()} cores)")
    print(f"{'page':10s} {'runs':>5s} {'p50 s':>7s} {'p95 s':>7s} {'max s':>7s}")
    for page in PAGES:
        values = timings[page]
        print(f"{page:10s} {len(values):5d} {_p(values, .5):7.2f} {_p(values, .95):7.2f} "
              f"{max(values) if values else float('nan'):7.2f}")
    print(f"{'all':10s} {len(every):5d} {_p(every, .5):7.2f} {_p(every, .95):7.2f} {max(every) if every else 0:7.2f}")
    print(f"server CPU: {cpu:.1f} s ({cpu / max(args.sessions, 1):.2f} s per session)")
    print(f"errors: {len(errors)}" + (f" ({'; '.join(sorted(set(errors))[:10])})" if errors else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
