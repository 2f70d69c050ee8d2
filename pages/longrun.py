"""Long runs on a page: a progress bar, a Stop button, and no work left behind when the session ends.

The work (a plain ``planner`` call taking a :class:`planner.progress.Progress`) runs in a worker
thread; this script thread draws the bar every :data:`POLL_S` seconds. Each draw is a point where
Streamlit (1.67) delivers a pending rerun or stop to the script: when the user presses Stop or any
other widget (with ``runner.fastReruns``, the default, the old run gets a ``StopException``, else a
``RerunException``) and when the browser session disconnects (``WebsocketSessionManager.disconnect_session``
calls ``request_script_stop``: a ``StopException``). Either way the ``finally``
below cancels the Progress, and the work raises ``Cancelled`` at its next check (between routing
blocks, solver calls, search moves). As a second path the loop also asks the runtime whether the
session is still active. A solver call already running ends at its own time limit, which the
Progress caps at the run's deadline.

One session runs one piece of work at a time: a new run first waits (with a bar saying so) for the
session's previous, stopped worker to end, so pressing Start and Stop again and again cannot pile up
solver calls. Runs that end within :data:`QUICK_S` seconds show nothing. Nothing personal is kept here: the work's
result goes back to the caller, the thread holds it only until then.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import streamlit as st

from planner.i18n import translate
from planner.progress import Cancelled, Progress

POLL_S = 0.25        # how often the bar is drawn (and a Stop or a closed tab noticed)
QUICK_S = 0.3        # runs shorter than this show no bar
GRACE_S = 0.5        # how long a stop waits to learn whether the session ended (see _why_stopped)
# Deadlines of the pages' runs, seconds (the command line has none: its user can press Ctrl+C).
OPTIMISER_LIMIT_S = 300.0
WHATIF_LIMIT_S = 300.0
ROUND_LIMIT_S = 600.0


# session id -> the worker of its latest run (removed when that worker ends): one run per session
_WORKERS: dict[str, threading.Thread] = {}
_WORKERS_LOCK = threading.Lock()


def _session_id() -> str | None:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        return None if ctx is None else ctx.session_id
    except Exception:
        return None


def _wait_for_previous(session: str | None, lang: str) -> None:
    """Wait (drawing a bar: a rerun or the session's end still stops the script) until this session's
    previous worker has ended."""
    if session is None:
        return
    with _WORKERS_LOCK:
        previous = _WORKERS.get(session)
    if previous is None or not previous.is_alive():
        return
    holder = st.empty()
    bar = holder.progress(0.0, text=translate("progress.waiting_previous", lang))
    while previous.is_alive():
        previous.join(POLL_S)
        bar.progress(0.0, text=translate("progress.waiting_previous", lang))
    holder.empty()


def _stopped_key(key: str) -> str:
    return f"{key}._stopped"


def _mark_stopped(key: str) -> None:
    """Stop button callback (runs at the start of the rerun the click caused)."""
    st.session_state[_stopped_key(key)] = True


def _restart(key: str) -> None:
    st.session_state.pop(_stopped_key(key), None)


def stopped(key: str) -> bool:
    """True when the last run under ``key`` was stopped by its Stop button."""
    return bool(st.session_state.get(_stopped_key(key)))


def _session_alive() -> Callable[[], bool]:
    """A check whether this browser session is still connected (always True outside a server run)."""
    try:
        from streamlit import runtime
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        if ctx is None or not runtime.exists():
            return lambda: True
        instance, session_id = runtime.get_instance(), ctx.session_id
        return lambda: instance.is_active_session(session_id)
    except Exception:  # an older or newer runtime without these: rely on the stop delivered to the script
        return lambda: True


def _why_stopped(alive: Callable[[], bool]) -> str:
    """``session_ended`` when the session is gone, else ``stopped`` (a rerun the user caused). Streamlit
    asks the script to stop a moment before it drops a disconnected session from its active ones, so
    this looks for up to :data:`GRACE_S` seconds."""
    end = time.monotonic() + GRACE_S
    while alive():
        if time.monotonic() >= end:
            return "stopped"
        time.sleep(0.02)
    return "session_ended"


def _label(stage: str, fraction: float, lang: str) -> str:
    if not stage:
        return translate("progress.starting", lang)
    return translate("progress.percent", lang, stage=translate(f"progress.stage.{stage}", lang),
                     percent=int(fraction * 100))


def run(work: Callable[[Progress], Any], *, key: str, lang: str, deadline_s: float, auto: bool = False) -> Any:
    """``work(progress)`` in a worker thread with a progress bar and a Stop button; its result, or its
    exception re-raised here (``Cancelled`` at the deadline). ``auto``: the page runs this on every
    rerun (not behind a button), so after a Stop it shows the stop and a button to compute again instead
    of starting over at once (returns None then)."""
    state = st.session_state
    if auto and stopped(key):
        st.info(translate("progress.cancelled.stopped", lang), icon=":material/stop_circle:")
        st.button(translate("progress.restart", lang), key=f"{key}.restart", on_click=_restart, args=(key,))
        return None
    state.pop(_stopped_key(key), None)
    session = _session_id()
    _wait_for_previous(session, lang)
    progress = Progress(deadline_s=deadline_s, isolate_solvers=True)   # big MILPs in a child a stop kills
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = work(progress)
        except BaseException as error:  # handed to the script thread, which shows it
            outcome["error"] = error
        finally:
            with _WORKERS_LOCK:
                if session is not None and _WORKERS.get(session) is threading.current_thread():
                    del _WORKERS[session]

    worker = threading.Thread(target=target, name=f"planner-run-{key}", daemon=True)
    with _WORKERS_LOCK:
        if session is not None:
            _WORKERS[session] = worker
    worker.start()
    worker.join(QUICK_S)
    if worker.is_alive():
        alive = _session_alive()
        holder = st.empty()
        try:
            with holder.container():
                bar = st.progress(0.0, text=_label("", 0.0, lang))
                st.button(translate("progress.stop", lang), key=f"{key}.stop", on_click=_mark_stopped,
                          args=(key,), help=translate("progress.stop_help", lang), icon=":material/stop:")
            while worker.is_alive():
                worker.join(POLL_S)
                if not alive():
                    progress.cancel("session_ended")
                fraction, stage = progress.snapshot()
                bar.progress(min(max(fraction, 0.0), 1.0), text=_label(stage, fraction, lang))  # rerun/stop arrive here
        except BaseException:   # Stop or another widget (a rerun: with fastReruns also a StopException) or the end
            progress.cancel(_why_stopped(alive))   # of the session (StopException): the work stops either way
            raise
        finally:
            if worker.is_alive():
                progress.cancel("stopped")
        holder.empty()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


__all__ = ["Cancelled", "run", "stopped", "OPTIMISER_LIMIT_S", "WHATIF_LIMIT_S", "ROUND_LIMIT_S"]
