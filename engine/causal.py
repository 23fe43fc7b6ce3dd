"""The causal map of a scenario: drivers and indicators as nodes, impacts as signed weighted edges.

Also the feedback loops among indicators (elementary cycles, found with Johnson's algorithm, each with its
polarity: the product of its edges' signs, reinforcing when positive, balancing when negative), the
self-impacts listed apart (damping or momentum), and a radial layout for drawing the map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from engine.schema import Scenario

MAX_LOOPS = 500
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
    quote: str
    section: str
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
        for e in self.edges:
            if e.index == index:
                return e
        raise KeyError(index)

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)


def causal_graph(scenario: Scenario) -> CausalGraph:
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
            quote=imp.source.quote,
            section=imp.source.section,
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
    """Every elementary cycle of a directed graph (Johnson, 1975), self-loops excluded; at most `max_cycles`.

    Each cycle starts at its node that comes first in `nodes` and follows the arcs from there. Cycles come
    grouped by that start node, in the order of `nodes`. Returns (cycles, truncated), truncated being True
    when the enumeration stopped at `max_cycles`.
    """
    order = {name: k for k, name in enumerate(nodes)}
    successors: dict[str, list[str]] = {name: [] for name in nodes}
    for a, b in arcs:
        if a == b or b in successors[a]:
            continue
        successors[a].append(b)
    for name in nodes:
        successors[name].sort(key=order.__getitem__)

    cycles: list[tuple[str, ...]] = []
    for start in nodes:
        if len(cycles) >= max_cycles:
            return cycles, True
        rank = order[start]
        # Only nodes from `start` on, and of those only the strongly connected component of `start`.
        component = _reachable(start, successors, rank) & _reaching(start, successors, rank, order)
        if len(component) < 2:
            continue
        if _circuits(start, {v: [w for w in successors[v] if w in component] for v in component}, cycles, max_cycles):
            return cycles, True
    return cycles, False


def _reachable(start: str, successors: dict[str, list[str]], rank: int, order: dict | None = None) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for w in successors[stack.pop()]:
            if w not in seen and (order is None or order[w] >= rank):
                seen.add(w)
                stack.append(w)
    return seen


def _reaching(start: str, successors: dict[str, list[str]], rank: int, order: dict[str, int]) -> set[str]:
    predecessors: dict[str, list[str]] = {v: [] for v in successors}
    for v, ws in successors.items():
        if order[v] < rank:
            continue
        for w in ws:
            if order[w] >= rank:
                predecessors[w].append(v)
    return _reachable(start, predecessors, rank)


def _circuits(start: str, adjacent: dict[str, list[str]], cycles: list[tuple[str, ...]], limit: int) -> bool:
    """Johnson's CIRCUIT from `start` within one strongly connected component; True when `limit` was reached."""
    blocked: set[str] = set()
    blocked_by: dict[str, set[str]] = {v: set() for v in adjacent}
    path: list[str] = []

    def unblock(node: str) -> None:
        pending = [node]
        while pending:
            u = pending.pop()
            if u in blocked:
                blocked.discard(u)
                pending.extend(blocked_by[u])
                blocked_by[u].clear()

    class Full(Exception):
        pass

    def circuit(v: str) -> bool:
        found = False
        path.append(v)
        blocked.add(v)
        for w in adjacent[v]:
            if w == start:
                cycles.append(tuple(path))
                found = True
                if len(cycles) >= limit:
                    raise Full
            elif w not in blocked and circuit(w):
                found = True
        if found:
            unblock(v)
        else:
            for w in adjacent[v]:
                blocked_by[w].add(v)
        path.pop()
        return found

    try:
        circuit(start)
    except Full:
        return True
    return False


def feedback_loops(graph: CausalGraph, max_loops: int = MAX_LOOPS) -> tuple[list[Loop], bool]:
    """The feedback loops among indicators (self-impacts excluded), strongest first; and whether truncated.

    Drivers never lie on a loop (nothing impacts them), so the cycles are those of the indicator subgraph.
    """
    indicators = [n.id for n in graph.nodes if n.kind == "indicator"]
    by_pair = {(e.source, e.target): e for e in graph.edges if not e.is_self}
    cycles, truncated = elementary_cycles(
        indicators, [pair for pair in by_pair if pair[0] in set(indicators)], max_cycles=max_loops
    )
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

    wanted: dict[str, float | None] = {}
    for d in drivers:
        out = [e for e in graph.edges if e.source == d and e.target in angle]
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
