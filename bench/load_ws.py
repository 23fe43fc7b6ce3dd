"""Websocket clients for the load test: each session speaks Streamlit's own protocol to the server, no browser.

Why: on a 2-core machine 20 chromium pages, not the server, were the bottleneck. Here every session is a few
kilobytes of state in one asyncio loop, so the server gets the cores.

Each session does what the page's JavaScript does on loopback: GET /_stcore/health (which sets the _streamlit_xsrf
cookie, kept in the session's own cookie jar), open ws://.../_stcore/stream with the subprotocols ["streamlit",
<xsrf cookie value>], the cookie and a same-origin Origin header, and send BackMsg.rerun_script with a ClientState
(query string, page script hash, context info, the hashes of the ForwardMsgs it has cached, and the current value
of every widget on the page). It reads the ForwardMsg stream as the frontend does: new_session, deltas (widget
protos update the session's widget states as a mounted widget would), page_info_changed (the new URL query),
ref_hash (answered from its message cache) and script_finished. A move is the slider's new value sent in the next
rerun_script; its latency is BackMsg sent -> script_finished received, and it counts as verified when the first
chart's median trace equals the expected medians (tolerance 1e-9). An exception element, a finish other than
success, a closed socket, no finish within --move-timeout, or other numbers count as errors.

The client is the `websockets` package: Streamlit 1.67 serves through Starlette and uvicorn, depends on websockets,
and no longer installs tornado. The messages are Streamlit's generated protobuf classes (streamlit.proto).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import http.cookiejar
import json
import time
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from common import percentile
from load_session import COMBAT, TROOPS, Expected, MoveError, SessionResult, check_traces, same, share_query
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

METHOD = (
    "method: one `streamlit run dashboard.py` on loopback; each session is a websocket client in this process's\n"
    "  asyncio loop speaking Streamlit's protocol (xsrf cookie from /_stcore/health, subprotocols\n"
    "  ['streamlit', token], BackMsg.rerun_script with every widget's value, its message cache's hashes\n"
    "  and browser context). No browser: nothing renders, no static assets load. Latency = BackMsg sent ->\n"
    "  script_finished; each move is verified against engine.ensemble's medians for the session's settings."
)
LATENCY = "BackMsg sent -> script_finished"
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
class Stats:
    """What one websocket session saw besides the shared figures."""

    chart_ms: list[float] = field(default_factory=list)
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


class Session:
    """One browser tab's protocol state: cookie, query string, widget states, message cache, last page shown."""

    def __init__(self, base_url: str, query: str, stats: Stats):
        self.base_url, self.query, self.stats = base_url, query, stats
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
        self.stats.reruns += 1
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
            self.stats.bytes_in += len(raw)
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
            self.stats.cache_hits += 1
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self.cache:
            self.cache[msg.hash] = [msg, self.run_count]

        if kind == "new_session":
            run.run_id = msg.metadata.run.script_run_id
            run.elements.clear()
            self.page_hash = body.new_session.page_script_hash
            self.max_cached_age = body.new_session.config.max_cached_message_age
            self.stats.server_session = self.stats.server_session or body.new_session.initialize.session_id
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
            self.stats.unmodelled.add(kind)
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
    """data[1].y of the first chart the run drew, as load_browser.py's SHOWS_JS reads it in the page."""
    charts = session.charts(run.elements)
    if not charts or len(charts[0].get("data", [])) < 2:
        return None
    return _numbers(charts[0]["data"][1].get("y"))


def _check_run(session: Session, run: Run, expected: list[float]) -> None:
    if run.exceptions:
        raise MoveError("exception", run.exceptions[0])
    if run.cache_misses:
        raise MoveError("cache", f"ref_hash {run.cache_misses[0]} not in the session's message cache")
    if run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
        name = ForwardMsg.ScriptFinishedStatus.Name(run.status)
        raise MoveError("status", f"script finished with {name}")
    shown = _first_median(session, run)
    if not same(shown, expected):
        detail = "no chart" if shown is None else f"first median trace starts {shown[:3]}, expected {expected[:3]}"
        raise MoveError("mismatch", detail)


class WsClient:
    """One session as a websocket client (load_session.Client)."""

    def __init__(self, result: SessionResult, base_url: str, expected: Expected, args):
        self.result, self.expected, self.args = result, expected, args
        self.stats = Stats()
        self.session = Session(base_url, "", self.stats)
        self.ids: dict[str, str] = {}

    async def open(self, setting: tuple[float, float], first: list[float]) -> None:
        scenario = self.expected.scenario
        self.session.query = share_query(scenario, setting[0])
        await self.session.connect(self.args.load_timeout)
        run = await self.session.rerun(self.args.load_timeout)
        _check_run(self.session, run, first)
        for driver in (TROOPS, COMBAT):
            label = scenario.driver(driver).label.get("en")
            self.ids[driver] = self.session.widget_id(f"drv:{scenario.id}:{driver}", label)
            if self.ids[driver] is None:
                raise MoveError("load", f"no slider for {driver} among {sorted(self.session.labels.values())}")
        if self._sliders() != setting:
            raise MoveError("load", "the share link's values are not on the sliders")

    def _sliders(self) -> tuple[float | None, float | None]:
        return self.session.slider_value(self.ids[TROOPS]), self.session.slider_value(self.ids[COMBAT])

    async def move(self, driver: str, new: float, first: list[float], changes: bool) -> float:
        self.session.set_slider(self.ids[driver], new)
        run = await self.session.rerun(self.args.move_timeout)
        _check_run(self.session, run, first)
        self.stats.chart_ms.append((run.first_chart_at - run.sent_at) * 1000)
        return (run.finished_at - run.sent_at) * 1000

    async def settle(self) -> None:
        if self.session.last_run is not None:
            with contextlib.suppress(MoveError):  # finished already, or the socket is gone
                await self.session.wait(self.session.last_run, self.args.move_timeout)

    async def final_check(self, last: tuple[float, float]) -> tuple[bool, str]:
        """Every median trace on the last page, and the URL the server set, against the sliders' values."""
        shown = self._sliders()
        traces = [
            (html.unescape(t.get("name", "?")), _numbers(t.get("y")))
            for chart in self.session.charts()
            for t in chart.get("data", [])
            if t.get("mode") == "lines" and not t.get("fill")
        ]
        ok, detail = check_traces(self.expected, self.result.troops, shown, traces)
        if not ok:
            return ok, detail
        # The server writes the session's settings into its URL (ui/share.py): a second, independent view
        # of the server-side state.
        defaults = self.expected.scenario.defaults()
        params = {k: v[-1] for k, v in parse_qs(self.session.query).items()}
        linked = tuple(float(params.get(f"d.{d}", defaults[d])) for d in (TROOPS, COMBAT))
        if linked != shown:
            return False, f"the server's link says troops={linked[0]:g}, combat={linked[1]:g}; sliders hold {shown}"
        return True, detail + " (and so does the link)"

    async def close(self) -> None:
        await self.session.close()


def describe(args) -> str:
    return f"{args.sessions} websocket session(s)"


@contextlib.asynccontextmanager
async def clients(args, base_url: str, expected: Expected) -> AsyncIterator[Callable[[SessionResult], WsClient]]:
    yield lambda result: WsClient(result, base_url, expected, args)


def report(bench, clients: list[WsClient]) -> dict[str, list[str]]:
    """The websocket sessions' own lines of the report (and figures): after the latency, and at the end."""
    lines: dict[str, list[str]] = {"latency": [], "end": []}
    chart_ms = [x for c in clients for x in c.stats.chart_ms]
    if chart_ms:
        bench.figure("chart_delta.p50", percentile(chart_ms, 50), "ms", n=len(chart_ms))
        lines["latency"].append(
            f"  (first chart's delta arrived after: p50 {percentile(chart_ms, 50):.0f} ms  "
            f"p90 {percentile(chart_ms, 90):.0f} ms  max {max(chart_ms):.0f} ms)"
        )
    distinct = len({c.stats.server_session for c in clients if c.stats.server_session})
    lines["end"].append(f"  distinct server session ids: {distinct} of {len(clients)} sessions")
    received = sum(c.stats.bytes_in for c in clients)
    reruns = sum(c.stats.reruns for c in clients)
    hits = sum(c.stats.cache_hits for c in clients)
    bench.figure("traffic_per_rerun", received / max(reruns, 1) / 1024, "KiB", n=reruns)
    lines["end"].append(
        f"  websocket traffic: {received / 2**20:.1f} MiB received in {reruns} reruns "
        f"({received / max(reruns, 1) / 1024:.0f} KiB per rerun); {hits} elements answered from the message cache"
    )
    unmodelled = sorted(set().union(*(c.stats.unmodelled for c in clients)))
    if unmodelled:
        lines["end"].append(f"  widgets left out of WidgetStates (kind not modelled): {', '.join(unmodelled)}")
    return lines
