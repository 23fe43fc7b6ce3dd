"""Load test of the dashboard without browsers: N concurrent websocket sessions speak Streamlit's own protocol to
one real server and move sliders for a fixed time; per-rerun latency, errors, server memory and CPU, and a check
that every session still gets its own numbers.

Run: python bench/load_test_ws.py [--sessions 20] [--duration 60] [--quick]   (--quick: 3 sessions, 10 s)
Prints what it measured on this machine and how; nothing is asserted.

Why: bench/load_test.py drives 20 chromium pages, and on a 2-core machine the browsers, not the server, were the
bottleneck. Here every session is a few kilobytes of state in one asyncio loop, so the server gets the cores.

Method. Each session does what the page's JavaScript does on loopback: GET /_stcore/health (which sets the
_streamlit_xsrf cookie, kept in the session's own cookie jar), open ws://.../_stcore/stream with the subprotocols
["streamlit", <xsrf cookie value>], the cookie and a same-origin Origin header, and send BackMsg.rerun_script with a
ClientState (query string, page script hash, context info, the hashes of the ForwardMsgs it has cached, and the
current value of every widget on the page). It reads the ForwardMsg stream as the frontend does: new_session,
deltas (widget protos update the session's widget states as a mounted widget would), page_info_changed (the new
URL query), ref_hash (answered from its message cache) and script_finished. The schedule and the expected numbers
are load_test.py's: session i opens the share link with troops T_i = 1,000*i, then toggles troops between T_i and
T_i + 500 (every third move) or walks the combat slider up and down in steps of 5, each move sent as the slider's
new value as soon as the previous rerun finished (or, with --think S, after a seeded pause of 0.5-1.5 x S, as
a person reading the chart would take). A move's latency is BackMsg sent -> script_finished received;
the move counts as verified when the first chart's median trace equals engine.ensemble's medians for the session's
(troops, combat) (tolerance 1e-9). An exception element, a finish other than success, a closed socket, no finish
within --move-timeout, or other numbers count as errors; a session stops moving after its first error.

The client is the `websockets` package: Streamlit 1.67 serves through Starlette and uvicorn, depends on websockets,
and no longer installs tornado. The messages are Streamlit's generated protobuf classes (streamlit.proto).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import html
import http.cookiejar
import json
import os
import random
import statistics
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard_harness as h
import load_test as browser_test
from load_test import COMBAT, COMBAT_MAX, COMBAT_START, COMBAT_STEP, TROOPS, TROOPS_SPACING

RSS_EVERY_S = 5.0
# What the frontend sends about the browser; the dashboard picks its language from the locale.
LOCALE, TIMEZONE, COLOR_SCHEME = "en-US", "UTC", "light"
# The server allows 50 MB messages (server.maxMessageSize); websockets' 1 MiB default would drop big pages.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# The widget kinds on this page that the frontend holds a value for from the moment they mount (see
# _mounted_value). Buttons are triggers, sent only for the one rerun a click causes, and a chart without on_select
# keeps no state, so those never appear in WidgetStates.
MODELLED_KINDS = {"slider", "radio", "selectbox", "number_input"}
STATELESS_KINDS = {"button", "download_button", "plotly_chart"}


@dataclass
class SessionResult:
    index: int
    troops: float
    loaded_ms: float = float("nan")
    latencies: list[float] = field(default_factory=list)
    chart_ms: list[float] = field(default_factory=list)
    moves: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    final_ok: bool = False
    final_detail: str = "not checked"
    bytes_in: int = 0
    reruns: int = 0
    cache_hits: int = 0
    unmodelled: set[str] = field(default_factory=set)
    server_session: str = ""


@dataclass
class Run:
    """What one script run sent: elements by delta path, in arrival order."""

    sent_at: float
    run_id: str | None = None
    status: int | None = None
    elements: dict[tuple[int, ...], object] = field(default_factory=dict)
    widget_ids: set[str] = field(default_factory=set)
    exceptions: list[str] = field(default_factory=list)
    cache_misses: list[str] = field(default_factory=list)
    first_chart_at: float | None = None
    finished_at: float | None = None


@dataclass
class Phases:
    """The run's barriers. Session 0 loads alone (it pays the server's imports and first-use costs, so the memory
    the others add can be told apart), then the rest load together; all start moving at once and stop at `stop`."""

    sessions: int
    first_loaded: asyncio.Event = field(default_factory=asyncio.Event)
    rest_may_load: asyncio.Event = field(default_factory=asyncio.Event)
    all_loaded: asyncio.Event = field(default_factory=asyncio.Event)
    start: asyncio.Event = field(default_factory=asyncio.Event)
    loaded: int = 0
    stop: float = float("inf")

    def done_loading(self, index: int) -> None:
        self.loaded += 1
        if index == 0:
            self.first_loaded.set()
        if self.loaded >= self.sessions:
            self.all_loaded.set()


class MoveError(Exception):
    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


def _mounted_value(kind: str, widget, known: bool):
    """The WidgetState the frontend's widget would hold after this delta, or None to keep the one it has.

    Mirrors useBasicWidgetState: a widget mounting for the first time takes its current value from the proto when
    the server set one (set_value), else the proto's default; a mounted widget only takes a value the server set.
    """
    if known and not widget.set_value:
        return None
    state = WidgetState(id=widget.id)
    if kind == "slider":
        state.double_array_value.data[:] = list(widget.value if widget.set_value else widget.default)
    elif kind in ("radio", "selectbox"):
        if widget.set_value:
            value = widget.raw_value if widget.HasField("raw_value") else None
        else:
            value = widget.options[widget.default] if widget.HasField("default") and widget.options else None
        if value is not None:  # a cleared selectbox sends a WidgetState without a value, as setStringValue(null)
            state.string_value = value
    elif kind == "number_input":
        value = None
        if widget.set_value and widget.HasField("value"):
            value = widget.value
        elif widget.HasField("default"):
            value = widget.default
        if value is not None:
            if widget.data_type == type(widget).DataType.INT:
                state.int_value = int(value)
            else:
                state.double_value = value
    return state


def _numbers(y) -> list[float] | None:
    """A trace's y values: a JSON list, or plotly's typed-array form {"dtype", "bdata"} (what plotly.py >= 6 writes
    for numpy arrays; this app writes plain lists, but a change of chart code should not look like a leak)."""
    if isinstance(y, list):
        return [float(v) for v in y]
    if isinstance(y, dict) and "bdata" in y:
        import numpy as np

        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y.get("dtype", "f8"))).astype(float).tolist()
    return None


def _same(shown: list[float] | None, expected: list[float]) -> bool:
    return (
        shown is not None
        and len(shown) == len(expected)
        and all(abs(a - b) <= 1e-9 for a, b in zip(shown, expected, strict=True))
    )


class Session:
    """One browser tab's protocol state: cookie, query string, widget states, message cache, last page shown."""

    def __init__(self, base_url: str, query: str, result: SessionResult):
        self.base_url, self.query, self.result = base_url, query, result
        self.ws = None
        self.page_hash = ""
        self.widgets: dict[str, object] = {}  # widget id -> WidgetState proto, as the WidgetStateManager holds them
        self.labels: dict[str, str] = {}  # widget id -> label, for matching sliders when ids carry no key
        self.cache: dict[str, list] = {}  # hash -> [ForwardMsg, run count when last used]
        self.run_count = 0
        self.max_cached_age = 2
        self.page: dict[tuple[int, ...], object] = {}  # elements of the last successful run
        self.last_run: Run | None = None

    async def connect(self, timeout: float) -> None:
        jar = http.cookiejar.CookieJar()

        def health() -> None:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            with opener.open(f"{self.base_url}/_stcore/health", timeout=min(timeout, 30.0)) as response:
                response.read()

        await asyncio.to_thread(health)
        cookies = {c.name: c.value for c in jar}
        xsrf = cookies.get("_streamlit_xsrf")
        if not xsrf:
            raise MoveError("connect", f"no _streamlit_xsrf cookie from /_stcore/health (got {sorted(cookies)})")
        host = urlsplit(self.base_url).netloc
        self.ws = await connect(
            f"ws://{host}/_stcore/stream",
            # The frontend's order: protocol name, then the XSRF token (the cookie value, read by JavaScript).
            subprotocols=["streamlit", xsrf],
            origin=self.base_url,
            additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
            proxy=None,
            open_timeout=timeout,
            ping_interval=None,  # browsers answer the server's pings but send none
            close_timeout=2,
            max_size=MAX_MESSAGE_BYTES,
        )
        if self.ws.subprotocol != "streamlit":
            raise MoveError("connect", f"server chose subprotocol {self.ws.subprotocol!r}")

    def widget_id(self, key: str, label: str) -> str | None:
        """The id of the widget with this user key (Streamlit ids end in '-<key>'), else the one with this label."""
        by_key = [wid for wid in self.widgets if wid.endswith(f"-{key}")]
        if len(by_key) == 1:
            return by_key[0]
        by_label = [wid for wid, text in self.labels.items() if text.startswith(label)]
        return by_label[0] if len(by_label) == 1 else None

    def slider_value(self, widget_id: str) -> float | None:
        state = self.widgets.get(widget_id)
        values = list(state.double_array_value.data) if state is not None else []
        return values[0] if len(values) == 1 else None

    def set_slider(self, widget_id: str, value: float) -> None:
        self.widgets[widget_id].double_array_value.data[:] = [float(value)]

    async def rerun(self, timeout: float) -> Run:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.widgets.values())
        state.cached_message_hashes.extend(self.cache)
        context = state.context_info
        context.timezone, context.timezone_offset, context.locale = TIMEZONE, 0, LOCALE
        context.url = f"{self.base_url}/" + (f"?{self.query}" if self.query else "")
        context.is_embedded, context.color_scheme = False, COLOR_SCHEME
        run = self.last_run = Run(sent_at=time.perf_counter())
        try:
            await self.ws.send(msg.SerializeToString())
        except ConnectionClosed as err:
            raise MoveError("closed", f"websocket closed: {err}") from None
        self.result.reruns += 1
        await self.wait(run, timeout)
        return run

    async def wait(self, run: Run, timeout: float) -> None:
        """Read ForwardMsgs until `run` finishes; MoveError 'timeout' after `timeout` s, 'closed' if the socket goes."""
        deadline = time.perf_counter() + timeout
        while run.finished_at is None:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise MoveError("timeout", f"no script_finished within {timeout:g} s")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), remaining)
            except TimeoutError:
                raise MoveError("timeout", f"no script_finished within {timeout:g} s") from None
            except ConnectionClosed as err:
                raise MoveError("closed", f"websocket closed: {err}") from None
            self.result.bytes_in += len(raw)
            self._handle(raw, run)

    def _handle(self, raw: bytes, run: Run) -> None:
        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        body = msg
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                run.cache_misses.append(msg.ref_hash)
                return
            entry[1] = self.run_count  # a hit renews the entry, as the frontend's getCachedMessage(hash, true)
            body, kind = entry[0], entry[0].WhichOneof("type")
            self.result.cache_hits += 1
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self.cache:
            self.cache[msg.hash] = [msg, self.run_count]

        if kind == "new_session":
            run.run_id = msg.metadata.run.script_run_id
            run.elements.clear()
            self.page_hash = body.new_session.page_script_hash
            self.max_cached_age = body.new_session.config.max_cached_message_age
            self.result.server_session = self.result.server_session or body.new_session.initialize.session_id
        elif kind == "page_info_changed":
            self.query = body.page_info_changed.query_string
        elif kind == "session_event" and body.session_event.HasField("script_compilation_exception"):
            run.exceptions.append("compile error: " + body.session_event.script_compilation_exception.message[:200])
        elif kind == "delta" and run.run_id is not None:
            self._delta(body.delta, tuple(msg.metadata.delta_path), run)
        elif kind == "script_finished" and run.run_id is not None and msg.metadata.run.script_run_id == run.run_id:
            run.status = body.script_finished
            run.finished_at = time.perf_counter()
            self._finished(run)

    def _delta(self, delta, path: tuple[int, ...], run: Run) -> None:
        # Blocks carry no widget value here: st.tabs and st.expander with a key are widgets, but the frontend
        # records their value only when the open tab or the expanded state changes, which this client never does.
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        run.elements[path] = element
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message[:200]}")
        elif kind == "plotly_chart" and run.first_chart_at is None:
            run.first_chart_at = time.perf_counter()
        if kind in STATELESS_KINDS:
            return
        widget = getattr(element, kind)
        widget_id = getattr(widget, "id", "")
        if not widget_id:
            return
        if kind not in MODELLED_KINDS:
            # Left out of WidgetStates: the server then keeps the widget's previous value, as for any widget a
            # rerun does not mention. Reported so a new widget type on the page does not go unnoticed.
            self.result.unmodelled.add(kind)
            return
        run.widget_ids.add(widget_id)
        self.labels[widget_id] = widget.label
        state = _mounted_value(kind, widget, widget_id in self.widgets)
        if state is not None:
            self.widgets[widget_id] = state

    def _finished(self, run: Run) -> None:
        if run.status == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.page = dict(run.elements)
            # The frontend drops the state of widgets the finished run did not draw (removeInactiveWidgetState).
            self.widgets = {wid: s for wid, s in self.widgets.items() if wid in run.widget_ids}
        if run.status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            # The frontend's ForwardMsgCache.incrementRunCount: entries unused for more than maxCachedMessageAge
            # finished runs are forgotten, and the server is told so through the next cached_message_hashes.
            self.run_count += 1
            for key in [k for k, (_, used) in self.cache.items() if self.run_count - used > self.max_cached_age]:
                del self.cache[key]

    def charts(self, page: dict | None = None) -> list[dict]:
        """Plotly figure specs of a page, in page order (delta paths sort as the elements are laid out)."""
        page = self.page if page is None else page
        return [json.loads(page[p].plotly_chart.spec) for p in sorted(page) if page[p].HasField("plotly_chart")]

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):  # already closed, or the server went away first
                await asyncio.wait_for(self.ws.close(), timeout=5)


def _first_median(session: Session, run: Run) -> list[float] | None:
    """data[1].y of the first chart the run drew, as load_test.py's SHOWS_JS reads it in the page."""
    charts = session.charts(run.elements)
    if not charts or len(charts[0].get("data", [])) < 2:
        return None
    return _numbers(charts[0]["data"][1].get("y"))


def _check_run(session: Session, run: Run, expected: list[float], what: str) -> None:
    if run.exceptions:
        raise MoveError("exception", f"{what}: {run.exceptions[0]}")
    if run.cache_misses:
        raise MoveError("cache", f"{what}: ref_hash {run.cache_misses[0]} not in the session's message cache")
    if run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
        name = ForwardMsg.ScriptFinishedStatus.Name(run.status)
        raise MoveError("status", f"{what}: script finished with {name}")
    shown = _first_median(session, run)
    if not _same(shown, expected):
        detail = "no chart" if shown is None else f"first median trace starts {shown[:3]}, expected {expected[:3]}"
        raise MoveError("mismatch", f"{what}: {detail}")


def _final_check(session: Session, table: dict, troops_low: float, ids: dict, defaults: dict) -> tuple[bool, str]:
    """Every median trace on the session's last page against its own slider values, and the URL the server set."""
    shown = (session.slider_value(ids[TROOPS]), session.slider_value(ids[COMBAT]))
    if shown[0] not in (troops_low, troops_low + 500) or shown not in table:
        return False, f"sliders hold {shown}: not a setting of this session"
    expected = table[shown]
    traces = [
        t for chart in session.charts() for t in chart.get("data", []) if t.get("mode") == "lines" and not t.get("fill")
    ]
    if len(traces) != len(expected):
        return False, f"{len(traces)} median traces on the page, {len(expected)} indicators expected"
    wrong = [
        html.unescape(t.get("name", "?"))
        for t in traces
        if html.unescape(t.get("name", "")) not in expected
        or not _same(_numbers(t.get("y")), expected[html.unescape(t["name"])])
    ]
    if wrong:
        return False, f"medians differ from troops={shown[0]:g}, combat={shown[1]:g} for: {', '.join(wrong)}"
    # The server writes the session's settings into its URL (components/share.py): a second, independent view
    # of the server-side state.
    params = {k: v[-1] for k, v in parse_qs(session.query).items()}
    linked = tuple(float(params.get(f"d.{d}", defaults[d])) for d in (TROOPS, COMBAT))
    if linked != shown:
        return False, f"the server's link says troops={linked[0]:g}, combat={linked[1]:g}; sliders hold {shown}"
    return True, f"all {len(traces)} median traces and the link match troops={shown[0]:g}, combat={shown[1]:g}"


async def run_session(
    result: SessionResult,
    base_url: str,
    scenario,
    table: dict,
    first_label: str,
    phases: Phases,
    args,
) -> None:
    troops_low = result.troops
    session = Session(base_url, "", result)
    troops, combat, direction = troops_low, COMBAT_START, 1
    ids: dict[str, str] = {}
    pause = random.Random(result.index)
    try:
        if result.index > 0:
            await phases.rest_may_load.wait()
        try:
            t0 = time.perf_counter()
            session.query = urlsplit(browser_test._share_url(base_url, scenario, troops_low)).query
            await session.connect(args.load_timeout)
            run = await session.rerun(args.load_timeout)
            _check_run(session, run, table[(troops, combat)][first_label], "first load")
            for driver in (TROOPS, COMBAT):
                label = scenario.driver(driver).label.get("en")
                ids[driver] = session.widget_id(f"drv:{scenario.id}:{driver}", label)
                if ids[driver] is None:
                    raise MoveError("load", f"no slider for {driver} among {sorted(session.labels.values())}")
            if (session.slider_value(ids[TROOPS]), session.slider_value(ids[COMBAT])) != (troops, combat):
                raise MoveError("load", "the share link's values are not on the sliders")
            result.loaded_ms = (time.perf_counter() - t0) * 1000
        except MoveError as err:
            result.errors.append((err.kind, err.detail))
        except Exception as err:
            result.errors.append(("load", f"{type(err).__name__}: {str(err)[:160]}"))
        finally:
            phases.done_loading(result.index)
        await phases.start.wait()
        if result.errors:
            return
        while time.monotonic() < phases.stop:
            if result.moves % 3 == 0:
                driver, new = TROOPS, (troops_low + 500 if troops == troops_low else troops_low)
                target = (new, combat)
            else:
                driver = COMBAT
                if not 0 <= combat + direction * COMBAT_STEP <= COMBAT_MAX:
                    direction = -direction
                new = combat + direction * COMBAT_STEP
                target = (troops, new)
            result.moves += 1
            session.set_slider(ids[driver], new)
            try:
                run = await session.rerun(args.move_timeout)
                _check_run(session, run, table[target][first_label], f"move {result.moves}")
            except MoveError as err:
                result.errors.append((err.kind, err.detail))
                if err.kind == "timeout" and session.last_run is not None:
                    # Let the run finish (bounded) so the final check sees the page it leaves behind.
                    with contextlib.suppress(MoveError):
                        await session.wait(session.last_run, args.move_timeout)
                break
            troops, combat = target
            result.latencies.append((run.finished_at - run.sent_at) * 1000)
            result.chart_ms.append((run.first_chart_at - run.sent_at) * 1000)
            if args.think > 0:
                # A person looks at the chart before the next move; seeded per session, so runs repeat.
                await asyncio.sleep(min(pause.uniform(0.5, 1.5) * args.think, max(0.0, phases.stop - time.monotonic())))
        if not any(kind == "closed" for kind, _ in result.errors):
            result.final_ok, result.final_detail = _final_check(session, table, troops_low, ids, scenario.defaults())
            if not result.final_ok:
                result.errors.append(("final", result.final_detail))
    except asyncio.CancelledError:
        result.errors.append(("deadline", "cancelled at the overall deadline"))
        raise
    except Exception as err:
        result.errors.append(("other", f"{type(err).__name__}: {str(err)[:160]}"))
    finally:
        await session.close()


async def sample_rss(pid: int, samples: list[tuple[float, int, float]], stop: asyncio.Event) -> None:
    start = time.monotonic()
    while not stop.is_set():
        samples.append((time.monotonic() - start, h.rss_kib(pid), os.getloadavg()[0]))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=RSS_EVERY_S)


async def drive(args, server, scenario, table: dict, first_label: str) -> dict:
    idle_rss = await asyncio.to_thread(h.settled_rss, server.pid)
    rss: list[tuple[float, int, float]] = []
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(server.pid, rss, stop_sampling))
    results = [SessionResult(i, TROOPS_SPACING * i) for i in range(args.sessions)]
    phases = Phases(args.sessions)
    tasks = [
        asyncio.create_task(run_session(r, server.url, scenario, table, first_label, phases, args)) for r in results
    ]
    t_load, cpu_load0 = time.monotonic(), h.cpu_seconds(server.pid)
    deadline = t_load + 2 * args.load_timeout + args.duration + 2 * args.move_timeout + 90
    with contextlib.suppress(TimeoutError):  # a session that never loaded is reported as such
        await asyncio.wait_for(phases.first_loaded.wait(), timeout=args.load_timeout + 30)
    first_s = time.monotonic() - t_load
    first_rss = await asyncio.to_thread(h.settled_rss, server.pid)
    t_rest = time.monotonic()
    phases.rest_may_load.set()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(phases.all_loaded.wait(), timeout=args.load_timeout + 30)
    rest_s = time.monotonic() - t_rest
    load_cpu = h.cpu_seconds(server.pid) - cpu_load0
    loaded_rss = await asyncio.to_thread(h.settled_rss, server.pid)
    print(
        f"{phases.loaded} of {args.sessions} sessions loaded (the first alone in {first_s:.1f} s, the other "
        f"{args.sessions - 1} together in {rest_s:.1f} s); moving sliders for {args.duration:g} s  [{h.load_avg()}]",
        flush=True,
    )
    cpu0, client0, wall0 = h.cpu_seconds(server.pid), time.process_time(), time.monotonic()
    phases.stop = time.monotonic() + args.duration
    phases.start.set()
    _, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    wall = time.monotonic() - wall0
    cpu = h.cpu_seconds(server.pid) - cpu0
    client_cpu = time.process_time() - client0
    stop_sampling.set()
    await sampler
    # Sockets are closed by now; the server keeps the sessions for server.disconnectedSessionTTL.
    end_rss = await asyncio.to_thread(h.settled_rss, server.pid)
    return {
        "results": results,
        "rss": rss,
        "idle_rss": idle_rss,
        "first_rss": first_rss,
        "loaded_rss": loaded_rss,
        "end_rss": end_rss,
        "first_s": first_s,
        "rest_s": rest_s,
        "load_cpu": load_cpu,
        "wall": wall,
        "cpu": cpu,
        "client_cpu": client_cpu,
        "unfinished": len(pending),
    }


def _report(args, m: dict) -> None:
    results, rss, wall = m["results"], m["rss"], m["wall"]
    latencies = [x for r in results for x in r.latencies]
    chart_ms = [x for r in results for x in r.chart_ms]
    errors = [(r.index, kind, detail) for r in results for kind, detail in r.errors]
    moves = sum(r.moves for r in results)
    reruns = sum(r.reruns for r in results)
    print()
    pacing = f", a pause of ~{args.think:g} s after each move" if args.think > 0 else ", moves back to back"
    print(f"== load test (websocket clients): {args.sessions} sessions x {args.duration:g} s{pacing}, one server ==")
    print(
        f"  moves: {moves} in {wall:.0f} s ({moves / wall:.1f}/s over all sessions); "
        f"{len(latencies)} finished and verified"
    )
    if latencies:
        print(
            f"  latency BackMsg sent -> script_finished: p50 {h.percentile(latencies, 50):.0f} ms  "
            f"p90 {h.percentile(latencies, 90):.0f} ms  p99 {h.percentile(latencies, 99):.0f} ms  "
            f"max {max(latencies):.0f} ms  (n={len(latencies)})"
        )
        print(
            f"  (first chart's delta arrived after: p50 {h.percentile(chart_ms, 50):.0f} ms  "
            f"p90 {h.percentile(chart_ms, 90):.0f} ms  max {max(chart_ms):.0f} ms)"
        )
    kinds = Counter(kind for _, kind, _ in errors)
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"
    print(
        f"  errors: {len(errors)}  by kind: {by_kind}  (exception = Exception element or compile error, "
        "status = finish other than success, mismatch = other numbers, timeout, closed socket, final check)"
    )
    for index, kind, detail in errors[:20]:
        print(f"    session {index}: {kind}: {detail}")
    if m["unfinished"]:
        print(f"  {m['unfinished']} session(s) cancelled at the overall deadline")
    ok = sum(r.final_ok for r in results)
    distinct = len({r.server_session for r in results if r.server_session})
    print(
        f"  own numbers at the end: {ok} of {len(results)} sessions show exactly their own settings' medians "
        f"({distinct} distinct server session ids)"
    )
    print(
        f"  server CPU: {m['cpu']:.1f} s in {wall:.0f} s = {m['cpu'] / wall * 100:.0f}% of one core "
        "(above 100% only where numpy runs outside the GIL)"
    )
    print(
        f"  client CPU (this process, all sessions): {m['client_cpu']:.1f} s = "
        f"{m['client_cpu'] / wall * 100:.0f}% of one core"
    )
    others = len(results) - 1
    per_session = f"+{h.mib((m['loaded_rss'] - m['first_rss']) / others)} per further session; " if others else ""
    print(
        f"  server RSS (settled): idle {h.mib(m['idle_rss'])}, first session loaded {h.mib(m['first_rss'])}, "
        f"all {len(results)} loaded {h.mib(m['loaded_rss'])} ({per_session}loading took {m['load_cpu']:.1f} s "
        f"of server CPU), max sampled {h.mib(max(s[1] for s in rss))}, at the end {h.mib(m['end_rss'])} "
        f"({h.mib(m['end_rss'] - m['loaded_rss'])} more than loaded; sockets closed, sessions kept until "
        "server.disconnectedSessionTTL)"
    )
    series = "  ".join(f"{t:.0f}s:{kib / 1024:.0f}" for t, kib, _ in rss)
    print(f"  RSS every {RSS_EVERY_S:g} s (MiB): {series}")
    print(f"  1-min load average during the run: {min(s[2] for s in rss):.2f} .. {max(s[2] for s in rss):.2f}")
    received = sum(r.bytes_in for r in results)
    hits = sum(r.cache_hits for r in results)
    print(
        f"  websocket traffic: {received / 2**20:.1f} MiB received in {reruns} reruns "
        f"({received / max(reruns, 1) / 1024:.0f} KiB per rerun); {hits} elements answered from the message cache"
    )
    unmodelled = sorted(set().union(*(r.unmodelled for r in results)))
    if unmodelled:
        print(f"  widgets left out of WidgetStates (kind not modelled): {', '.join(unmodelled)}")
    print("  per session: moves / verified / median ms / load s / final")
    for r in results:
        med = f"{statistics.median(r.latencies):6.0f}" if r.latencies else "     -"
        print(
            f"    #{r.index:<2} troops {r.troops:>6g}: {r.moves:4d} / {len(r.latencies):4d} / {med} / "
            f"{r.loaded_ms / 1000:5.1f} / {'ok' if r.final_ok else 'FAIL: ' + r.final_detail}"
        )


def run(args) -> None:
    print(
        "method: one `streamlit run dashboard.py` on loopback; each session is a websocket client in this process's\n"
        "  asyncio loop speaking Streamlit's protocol (xsrf cookie from /_stcore/health, subprotocols\n"
        "  ['streamlit', token], BackMsg.rerun_script with every widget's value, its message cache's hashes\n"
        "  and browser context). No browser: nothing renders, no static assets load. Latency = BackMsg sent ->\n"
        "  script_finished; each move is verified against engine.ensemble's medians for the session's settings."
    )
    scenario, table, first_label = browser_test.expected_numbers(args.sessions)
    h.wait_for_quiet(0.5, max_wait_s=args.wait_quiet)
    print(f"starting server and {args.sessions} websocket session(s)  [{h.load_avg()}]", flush=True)
    with h.streamlit_server() as server:
        measured = asyncio.run(drive(args, server, scenario, table, first_label))
        log = server.log_tail(4000)
    _report(args, measured)
    noteworthy = [line for line in log.splitlines() if any(w in line for w in ("Error", "Traceback", "WARNING"))]
    if noteworthy:
        print("  server log (errors and warnings, last 10):")
        for line in noteworthy[-10:]:
            print(f"    {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions", type=int, default=20, help="concurrent websocket sessions (default 20, at most 20)"
    )
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of slider moves (default 60)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 sessions for 10 s")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a session waits after each finished move (0.5x-1.5x, seeded); default 0: back to back",
    )
    parser.add_argument("--move-timeout", type=float, default=30.0, help="seconds one move may take (an error after)")
    parser.add_argument("--load-timeout", type=float, default=180.0, help="seconds a session may take to load")
    parser.add_argument("--wait-quiet", type=float, default=60.0, help="wait at most this long for load < 0.5")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.duration = 3, 10.0
    # Troops T_i = 1,000*i and T_i + 500 must stay within the slider's 0..20,000 and apart between sessions.
    args.sessions = max(1, min(args.sessions, 20))
    args.duration = max(1.0, min(args.duration, 600.0))
    args.move_timeout = max(1.0, min(args.move_timeout, 120.0))
    args.load_timeout = max(5.0, min(args.load_timeout, 600.0))
    print(f"machine: {os.cpu_count()} cores; {h.load_avg()} at start")
    run(args)


if __name__ == "__main__":
    main()
