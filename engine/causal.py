"""The causal map of a scenario: drivers and indicators as nodes, impacts as signed weighted edges.

Also the feedback loops among indicators (elementary cycles, found with networkx, each with its polarity: the
product of its edges' signs, reinforcing when positive, balancing when negative), the self-impacts listed apart
(damping or momentum), and a radial layout for drawing the map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Literal

import networkx as nx

from engine.schema import Source

if TYPE_CHECKING:
    from engine.model import Model

MAX_LOOPS = 500  # loops listed at most
MAX_SEARCH = 4 * MAX_LOOPS  # cycles drawn from networkx at most; the first MAX_LOOPS of them in order are listed
INDICATOR_RADIUS = 1.0
DRIVER_RADIUS = 2.1

Polarity = Literal["reinforcing", "balancing", "neutral"]


@dataclass(frozen=True)
class Node:
    id: str
    kind: Literal["driver", "indicator"]


@dataclass(frozen=True)
class Edge:
    """One impact, `index` being its position in the scenario's impacts."""

    index: int
    source: str
    target: str
    weight: float
    low: float
    high: float
    basis: Source  # the impact's source: a quote of the article or the analyst's judgement
    note: str | None = None

    @property
    def sign(self) -> int:
        return (self.weight > 0) - (self.weight < 0)

    @property
    def is_self(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class Loop:
    """A feedback loop: nodes[0] -> nodes[1] -> ... -> nodes[0], through the impacts in `edges` (indices)."""

    nodes: tuple[str, ...]
    edges: tuple[int, ...]
    sign: int  # product of the edges' signs: +1, -1, or 0 when an edge has weight 0
    strength: float  # product of |weight| along the loop: how strongly a change comes back per lap

    @property
    def polarity(self) -> Polarity:
        return "reinforcing" if self.sign > 0 else "balancing" if self.sign < 0 else "neutral"


@dataclass(frozen=True)
class CausalGraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def edge(self, index: int) -> Edge:
        return self._edges_by_index[index]

    def node(self, node_id: str) -> Node:
        return self._nodes_by_id[node_id]

    # Built on first use (a frozen dataclass still has an instance dictionary); the first of equal keys wins.
    @cached_property
    def _edges_by_index(self) -> dict[int, Edge]:
        return {e.index: e for e in reversed(self.edges)}

    @cached_property
    def _nodes_by_id(self) -> dict[str, Node]:
        return {n.id: n for n in reversed(self.nodes)}


def causal_graph(model: Model) -> CausalGraph:
    scenario = model.scenario
    nodes = tuple(Node(d.id, "driver") for d in scenario.drivers) + tuple(
        Node(i.id, "indicator") for i in scenario.indicators
    )
    edges = tuple(
        Edge(
            index=n,
            source=imp.source_id,
            target=imp.target,
            weight=imp.weight,
            low=imp.range[0],
            high=imp.range[1],
            basis=imp.source,
            note=imp.note,
        )
        for n, imp in enumerate(scenario.impacts)
    )
    return CausalGraph(nodes, edges)


def self_impacts(graph: CausalGraph) -> list[Edge]:
    """Impacts of an indicator on itself: damping when negative, momentum when positive."""
    return [e for e in graph.edges if e.is_self]


# --- cycles --------------------------------------------------------------------------------------------------


def elementary_cycles(
    nodes: Sequence[str], arcs: Iterable[tuple[str, str]], max_cycles: int = MAX_LOOPS
) -> tuple[list[tuple[str, ...]], bool]:
    """The elementary cycles of a directed graph (networkx.simple_cycles), self-loops excluded; at most `max_cycles`.

    Each cycle starts at its node that comes first in `nodes`, and the cycles are sorted by the positions in
    `nodes` of their nodes: grouped by start node in the order of `nodes`, each right before the cycles that
    extend it (the order of Johnson's search from each node in turn, successors taken in that order). Returns
    (cycles, truncated), truncated being True when the graph has more than `max_cycles` cycles.

    networkx finds cycles in an order of its own, so at most max(MAX_SEARCH, max_cycles + 1) are drawn from it
    and the first `max_cycles` of those, in the order above, are kept: exactly the first `max_cycles` of all
    whenever the graph has no more than MAX_SEARCH cycles, else a subset (the same on every run) in that order.
    Time and memory grow with the cycles drawn, not with all there are. No length bound goes to networkx: one
    below the longest cycle drops cycles, and with few cycles short enough its search runs to the end before
    the count can stop it (tests/heavy.py's scenario has no loop shorter than 20 indicators).
    """
    names = list(dict.fromkeys(nodes))
    rank = {name: k for k, name in enumerate(names)}
    # Positions, not names, go to networkx: it starts each search at the first node a set yields, and sets of
    # strings iterate in an order that changes from run to run; sorted arcs fix its order of successors.
    graph = nx.DiGraph()
    graph.add_nodes_from(range(len(names)))
    graph.add_edges_from(sorted({(rank[a], rank[b]) for a, b in arcs if a != b}))
    limit = max(MAX_SEARCH, max_cycles + 1)
    found = sorted(_from_first(cycle) for cycle in islice(nx.simple_cycles(graph), limit))
    return [tuple(names[k] for k in cycle) for cycle in found[:max_cycles]], len(found) > max_cycles


def _from_first(cycle: list[int]) -> tuple[int, ...]:
    """The cycle turned to start at its smallest node."""
    first = cycle.index(min(cycle))
    return (*cycle[first:], *cycle[:first])


def feedback_loops(graph: CausalGraph, max_loops: int = MAX_LOOPS) -> tuple[list[Loop], bool]:
    """The feedback loops among indicators (self-impacts excluded), strongest first; and whether truncated.

    Drivers never lie on a loop (nothing impacts them), so the cycles are those of the indicator subgraph.
    """
    indicators = [n.id for n in graph.nodes if n.kind == "indicator"]
    among = set(indicators)
    by_pair = {(e.source, e.target): e for e in graph.edges if not e.is_self}
    cycles, truncated = elementary_cycles(indicators, [pair for pair in by_pair if pair[0] in among], max_loops)
    loops = []
    for cycle in cycles:
        edges = [by_pair[cycle[k], cycle[(k + 1) % len(cycle)]] for k in range(len(cycle))]
        sign = math.prod(e.sign for e in edges)
        strength = math.prod(abs(e.weight) for e in edges)
        loops.append(Loop(cycle, tuple(e.index for e in edges), sign, strength))
    loops.sort(key=lambda loop: -loop.strength)  # stable: equal strengths keep the enumeration order
    return loops, truncated


# --- layout --------------------------------------------------------------------------------------------------


def _circular_mean(angles: Sequence[float], weights: Sequence[float]) -> float | None:
    x = sum(w * math.cos(a) for a, w in zip(angles, weights, strict=True))
    y = sum(w * math.sin(a) for a, w in zip(angles, weights, strict=True))
    if math.hypot(x, y) < 1e-12:
        return None
    return math.atan2(y, x)


def _wrap(angle: float) -> float:
    """An angle in (-pi, pi]."""
    return math.atan2(math.sin(angle), math.cos(angle))


def layout(graph: CausalGraph) -> dict[str, tuple[float, float]]:
    """Node positions: indicators evenly on an inner circle (scenario order, clockwise from the top); drivers
    evenly on an outer circle, in the order of the (weight-averaged) directions of the indicators they push,
    the ring turned so that every driver sits as close as it can to those indicators.
    """
    indicators = [n.id for n in graph.nodes if n.kind == "indicator"]
    drivers = [n.id for n in graph.nodes if n.kind == "driver"]
    angle = {name: math.pi / 2 - 2 * math.pi * k / len(indicators) for k, name in enumerate(indicators)}
    positions = {name: (INDICATOR_RADIUS * math.cos(a), INDICATOR_RADIUS * math.sin(a)) for name, a in angle.items()}
    if not drivers:
        return positions

    outgoing: dict[str, list[Edge]] = {d: [] for d in drivers}
    for e in graph.edges:
        if e.source in outgoing and e.target in angle:
            outgoing[e.source].append(e)
    wanted: dict[str, float | None] = {}
    for d in drivers:
        out = outgoing[d]
        wanted[d] = _circular_mean([angle[e.target] for e in out], [abs(e.weight) or 1.0 for e in out])
    # Clockwise by wanted direction (ties in scenario order); drivers without one fill the ring after them.
    directed = sorted((d for d in drivers if wanted[d] is not None), key=lambda d: -(wanted[d] or 0.0))
    ordered = directed + [d for d in drivers if wanted[d] is None]
    count = len(ordered)
    step = 2 * math.pi / count
    best: tuple[float, dict[str, int], float] | None = None
    for shift in range(count):
        # Slot j lies at angle turn - j * step; try every rotation of the order over the slots, each with the
        # turn that best fits it, and keep the one with the smallest squared angular misfit.
        slot_of = {ordered[(j + shift) % count]: j for j in range(count)}
        offsets = [_wrap((wanted[d] or 0.0) + step * slot_of[d]) for d in directed]
        turn = (_circular_mean(offsets, [1.0] * len(offsets)) if offsets else None) or 0.0
        cost = sum(_wrap(o - turn) ** 2 for o in offsets)
        if best is None or cost < best[0] - 1e-12:
            best = (cost, slot_of, turn)
    assert best is not None
    _, slot_of, turn = best
    for d, j in slot_of.items():
        a = turn - step * j
        positions[d] = (DRIVER_RADIUS * math.cos(a), DRIVER_RADIUS * math.sin(a))
    return positions


# --- focus on one indicator ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Focus:
    """What drives one indicator and what it drives, within `steps` impacts (engine.causal.focus)."""

    indicator: str
    steps: int
    upstream: dict[str, int]  # node -> fewest impacts from it to the indicator (1..steps), the indicator excluded
    downstream: dict[str, int]  # node -> fewest impacts from the indicator to it (1..steps)
    graph: CausalGraph  # those nodes (scenario order) and the impacts on their paths, plus their self-impacts


def _distances(start: str, neighbours: dict[str, list[str]], steps: int) -> dict[str, int]:
    """Breadth first: each node reached from `start` in 1..steps moves, with its fewest moves."""
    found: dict[str, int] = {}
    frontier = [start]
    for step in range(1, steps + 1):
        frontier = [n for node in frontier for n in neighbours.get(node, []) if n != start and n not in found]
        frontier = list(dict.fromkeys(frontier))
        found |= dict.fromkeys(frontier, step)
    return found


def focus(graph: CausalGraph, indicator: str, steps: int = 1) -> Focus:
    """The part of the map within `steps` impacts of `indicator`: upstream, every node with a chain of at most
    `steps` impacts to it; downstream, every node it reaches by such a chain; and the impacts that are a link
    of such a chain (u -> v upstream when v is the indicator or lies upstream fewer than `steps` impacts away;
    downstream when u is the indicator or lies downstream fewer than `steps` away). Self-impacts form no chain;
    those of the nodes kept come along, so the map can still name them. A node on a loop through the indicator
    can lie both upstream and downstream.
    """
    graph.node(indicator)  # KeyError for an unknown node
    between = [e for e in graph.edges if not e.is_self]
    into: dict[str, list[str]] = {}
    out: dict[str, list[str]] = {}
    for e in between:
        into.setdefault(e.target, []).append(e.source)
        out.setdefault(e.source, []).append(e.target)
    up = _distances(indicator, into, steps)
    down = _distances(indicator, out, steps)
    near_up = {indicator: 0} | up
    near_down = {indicator: 0} | down
    kept = {
        e.index
        for e in between
        if (e.target in near_up and near_up[e.target] < steps and e.source in near_up)
        or (e.source in near_down and near_down[e.source] < steps and e.target in near_down)
    }
    nodes = {indicator} | set(up) | set(down)
    edges = tuple(e for e in graph.edges if e.index in kept or (e.is_self and e.source in nodes))
    sub = CausalGraph(tuple(n for n in graph.nodes if n.id in nodes), edges)
    return Focus(indicator, steps, up, down, sub)


def columns(view: Focus) -> list[list[str]]:
    """The focus map's columns, left to right: the drivers; then the upstream indicators, farthest first; the
    indicator in focus; the downstream indicators, nearest first. A node both upstream and downstream goes to
    the side where it lies nearer (upstream on a tie, as what drives the indicator); empty columns are left
    out. Within a column, nodes keep the scenario's order."""
    kinds = {n.id: n.kind for n in view.graph.nodes}
    order = [n.id for n in view.graph.nodes]
    side: dict[str, int] = {}  # column offset from the indicator in focus: negative upstream
    for node in order:
        if node == view.indicator or kinds[node] == "driver":
            continue
        up, down = view.upstream.get(node), view.downstream.get(node)
        side[node] = -up if up is not None and (down is None or up <= down) else down or 0
    layers = [[n for n in order if kinds[n] == "driver"]]
    layers += [[n for n in order if side.get(n) == -k] for k in range(view.steps, 0, -1)]
    layers += [[view.indicator]]
    layers += [[n for n in order if side.get(n) == k] for k in range(1, view.steps + 1)]
    return [layer for layer in layers if layer]


def layered_layout(view: Focus) -> dict[str, tuple[float, float]]:
    """Positions for the focus map: column k at x = k (columns()), rows one unit apart downwards from y = 0,
    every other column shifted down by half a row, so that labels drawn under their nodes never meet the
    labels of the next column. Within a column (after the first), nodes are ordered by the mean row of their
    neighbours in the column before (ties in scenario order), which keeps arrows short and crossings few."""
    layers = columns(view)
    neighbours: dict[str, set[str]] = {}
    for e in view.graph.edges:
        if not e.is_self:
            neighbours.setdefault(e.source, set()).add(e.target)
            neighbours.setdefault(e.target, set()).add(e.source)
    positions: dict[str, tuple[float, float]] = {}
    previous: dict[str, int] = {}
    for k, layer in enumerate(layers):
        if previous:

            def centre(node: str, before: dict[str, int] = previous) -> float:
                rows = [before[n] for n in neighbours.get(node, ()) if n in before]
                return sum(rows) / len(rows) if rows else math.inf

            layer = sorted(layer, key=centre)  # stable: ties keep the scenario's order
        shift = 0.5 if k % 2 else 0.0
        for row, node in enumerate(layer):
            positions[node] = (float(k), -(row + shift))
        previous = {node: row for row, node in enumerate(layer)}
    return positions
