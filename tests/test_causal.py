"""engine/causal.py: the graph of impacts, elementary cycles, loop polarity, self-impacts and the layout."""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import subprocess
import sys

import networkx as nx
import pytest

from engine.causal import (
    DRIVER_RADIUS,
    INDICATOR_RADIUS,
    MAX_LOOPS,
    MAX_SEARCH,
    causal_graph,
    columns,
    elementary_cycles,
    feedback_loops,
    focus,
    layered_layout,
    layout,
    self_impacts,
)
from engine.model import Model


def test_elementary_cycles_of_a_hand_made_graph():
    arcs = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("b", "a"),
        ("c", "d"),
        ("d", "c"),
        ("d", "e"),
        ("e", "e"),  # a self-loop: not a feedback loop between two variables
        ("a", "b"),  # a repeated arc adds no cycle
    ]
    cycles, truncated = elementary_cycles(["a", "b", "c", "d", "e"], arcs)

    assert cycles == [("a", "b"), ("a", "b", "c"), ("c", "d")]
    assert truncated is False


def test_elementary_cycles_start_at_the_first_node_in_the_given_order():
    cycles, _ = elementary_cycles(["z", "y", "x"], [("x", "y"), ("y", "z"), ("z", "x")])

    assert cycles == [("z", "x", "y")]


def test_complete_digraph_on_four_nodes_has_twenty_cycles_and_the_bound_holds():
    nodes = ["a", "b", "c", "d"]
    arcs = [(u, v) for u in nodes for v in nodes if u != v]
    # C(4,2)*1! + C(4,3)*2! + C(4,4)*3! = 6 + 8 + 6 elementary cycles.
    cycles, truncated = elementary_cycles(nodes, arcs)
    assert len(cycles) == 20 and len(set(cycles)) == 20 and truncated is False
    assert sorted(len(c) for c in cycles) == [2] * 6 + [3] * 8 + [4] * 6

    first, truncated = elementary_cycles(nodes, arcs, max_cycles=5)
    assert first == cycles[:5] and truncated is True


def test_acyclic_graph_has_no_cycles():
    assert elementary_cycles(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")]) == ([], False)


def _brute_force_cycles(nodes, arcs):
    """Every elementary cycle, by trying each ordering of each set of two or more nodes, in today's order."""
    rank = {name: k for k, name in enumerate(nodes)}
    found = []
    for size in range(2, len(nodes) + 1):
        for subset in itertools.combinations(nodes, size):
            first = min(subset, key=rank.__getitem__)
            for rest in itertools.permutations([v for v in subset if v != first]):
                cycle = (first, *rest)
                if all((cycle[k], cycle[(k + 1) % size]) in arcs for k in range(size)):
                    found.append(cycle)
    return sorted(found, key=lambda cycle: [rank[v] for v in cycle])


def test_elementary_cycles_match_a_brute_force_enumeration_of_random_graphs():
    rng = random.Random(20240611)
    for _ in range(40):
        nodes = [f"n{k}" for k in range(rng.randint(1, 6))]
        rng.shuffle(nodes)  # the order given, not the names, decides where a cycle starts and how cycles sort
        density = rng.random()
        arcs = [(a, b) for a in nodes for b in nodes if rng.random() < density]  # self-loops included
        arcs += rng.choices(arcs, k=min(len(arcs), 3))  # and a few repeated arcs
        rng.shuffle(arcs)
        expected = _brute_force_cycles(nodes, set(arcs))

        assert elementary_cycles(nodes, arcs) == (expected, False)
        for bound in (1, 2, 5):
            assert elementary_cycles(nodes, arcs, max_cycles=bound) == (expected[:bound], len(expected) > bound)


def test_truncated_says_whether_cycles_were_left_out():
    nodes = ["a", "b", "c", "d"]
    arcs = [(u, v) for u in nodes for v in nodes if u != v]

    assert elementary_cycles(nodes, arcs, max_cycles=20)[1] is False  # all 20 listed
    assert elementary_cycles(nodes, arcs, max_cycles=19)[1] is True


@pytest.fixture
def drawn(monkeypatch):
    """The cycles engine.causal draws from networkx.simple_cycles while the test runs."""
    cycles = []
    simple_cycles = nx.simple_cycles

    def counted(*args, **kwargs):
        for cycle in simple_cycles(*args, **kwargs):
            cycles.append(cycle)
            yield cycle

    monkeypatch.setattr(nx, "simple_cycles", counted)
    return cycles


def test_a_graph_with_more_cycles_than_the_search_lists_a_bounded_sorted_subset(drawn):
    # The complete digraph on eight nodes has 16,064 elementary cycles.
    nodes = [f"n{k}" for k in range(8)]
    arcs = [(u, v) for u in nodes for v in nodes if u != v]
    cycles, truncated = elementary_cycles(nodes, arcs)

    assert truncated is True and len(cycles) == MAX_LOOPS and len(set(cycles)) == MAX_LOOPS
    assert len(drawn) == MAX_SEARCH
    assert all(cycle[0] == min(cycle) for cycle in cycles)  # n0 .. n7: the order of the names is that of `nodes`
    assert cycles == sorted(cycles)


@pytest.fixture(scope="module")
def heaviest(make_scenario):
    """As many drivers, indicators and impacts as the schema takes, wired like tests/heavy.py's scenario."""
    impacts = []
    for n in range(5000):
        target, k = n % 200, n // 200
        source = f"i{target}" if k == 0 else f"{'d' if k % 2 else 'i'}{(target + k) % 200}"
        impacts.append((source, f"i{target}", -0.5 if k == 0 else 0.3, (-0.9, 0.9)))
    return make_scenario(
        drivers=tuple((f"d{n}", 0.0, 1.0, 0.5) for n in range(200)),
        indicators=tuple((f"i{n}", 50.0) for n in range(200)),
        impacts=tuple(impacts),
    )


def test_loops_of_the_heaviest_scenario_stay_within_the_bound(heaviest, drawn):
    graph = causal_graph(Model.of(heaviest))
    loops, truncated = feedback_loops(graph)

    assert truncated is True and len(loops) == MAX_LOOPS and len(drawn) <= MAX_SEARCH
    assert [loop.strength for loop in loops] == sorted((loop.strength for loop in loops), reverse=True)
    for loop in loops:
        hops = [graph.edge(index) for index in loop.edges]
        following = (*loop.nodes[1:], loop.nodes[0])
        assert [(e.source, e.target) for e in hops] == list(zip(loop.nodes, following, strict=True))
        assert loop.strength == pytest.approx(0.3 ** len(loop.nodes))


PROBE = """
import json
from engine.causal import elementary_cycles
nodes = [f"i{n}" for n in range(200)]
arcs = [(f"i{(t + k) % 200}", f"i{t}") for t in range(200) for k in range(2, 25, 2)]
print(json.dumps(elementary_cycles(nodes, arcs, max_cycles=20)))
"""


def test_the_cycles_listed_from_a_truncated_search_are_the_same_on_every_run(repo_root):
    """networkx starts each search at the first node a set yields; a set of names would differ by hash seed."""
    outputs = []
    for seed in ("0", "1"):
        result = subprocess.run(
            [sys.executable, "-c", PROBE],
            cwd=repo_root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(json.loads(result.stdout))

    assert outputs[0] == outputs[1]
    assert outputs[0][1] is True and len(outputs[0][0]) == 20


@pytest.fixture(scope="module")
def looped(make_scenario):
    """x <-> y balancing, y <-> z reinforcing, x <-> z reinforcing (both negative), self-impacts on x and z."""
    return make_scenario(
        drivers=(("d", 0.0, 1.0, 0.5),),
        indicators=(("x", 50.0), ("y", 50.0), ("z", 50.0)),
        impacts=(
            ("d", "x", 0.4),
            ("x", "y", 0.3),
            ("y", "x", -0.25),
            ("y", "z", 0.5),
            ("z", "y", 0.1),
            ("x", "z", -0.5),
            ("z", "x", -0.4),
            ("x", "x", -0.6),
            ("z", "z", 0.2),
        ),
    )


def test_feedback_loops_of_a_hand_made_scenario_with_their_signs(looped):
    loops, truncated = feedback_loops(causal_graph(Model.of(looped)))
    found = {loop.nodes: (loop.sign, loop.polarity) for loop in loops}

    assert truncated is False
    assert found == {
        ("x", "y"): (-1, "balancing"),  # + then -
        ("x", "z"): (1, "reinforcing"),  # - then -
        ("y", "z"): (1, "reinforcing"),  # + then +
        ("x", "y", "z"): (-1, "balancing"),  # x->y +, y->z +, z->x -
        ("x", "z", "y"): (1, "reinforcing"),  # x->z -, z->y +, y->x -
    }


def test_loops_name_their_impacts_and_come_strongest_first(looped):
    loops, _ = feedback_loops(causal_graph(Model.of(looped)))
    by_nodes = {loop.nodes: loop for loop in loops}

    # Impact indices in the scenario: x->y is 1, y->z is 3, z->x is 6. Strengths: x-z 0.2, x-y 0.075,
    # x-y-z 0.06, y-z 0.05, x-z-y 0.0125.
    assert by_nodes["x", "y", "z"].edges == (1, 3, 6)
    assert by_nodes["x", "y", "z"].strength == pytest.approx(0.3 * 0.5 * 0.4)
    assert [loop.nodes for loop in loops] == [("x", "z"), ("x", "y"), ("x", "y", "z"), ("y", "z"), ("x", "z", "y")]
    assert [loop.strength for loop in loops] == sorted((loop.strength for loop in loops), reverse=True)


def test_self_impacts_are_listed_apart_and_drivers_are_never_on_a_loop(looped):
    graph = causal_graph(Model.of(looped))
    loops, _ = feedback_loops(graph)

    assert [(e.target, e.weight) for e in self_impacts(graph)] == [("x", -0.6), ("z", 0.2)]
    assert all("d" not in loop.nodes and len(loop.nodes) >= 2 for loop in loops)
    assert [(n.id, n.kind) for n in graph.nodes] == [
        ("d", "driver"),
        ("x", "indicator"),
        ("y", "indicator"),
        ("z", "indicator"),
    ]
    assert [(e.source, e.target, e.sign) for e in graph.edges][:3] == [("d", "x", 1), ("x", "y", 1), ("y", "x", -1)]


def test_a_zero_weight_makes_a_loop_neutral(make_scenario):
    scenario = make_scenario(
        indicators=(("x", 50.0), ("y", 50.0)),
        impacts=(("x", "y", 0.0, (-0.1, 0.1)), ("y", "x", 0.3)),
    )
    (loop,), _ = feedback_loops(causal_graph(Model.of(scenario)))

    assert (loop.sign, loop.polarity) == (0, "neutral")


def test_the_seed_scenarios_loops_run_through_the_security_dilemma_and_the_sanctions(seed_scenario):
    graph = causal_graph(Model.of(seed_scenario))
    loops, truncated = feedback_loops(graph)

    # Strongest first: tension and the neighbours' readiness feed each other; every other loop closes
    # through the sanctions the allies push for and the isolation that drives Pyongyang and Moscow together.
    tension, readiness, isolation = "peninsula_tension", "allied_readiness", "sanctions_isolation"
    alignment, assertiveness, capability = "dprk_russia_alignment", "dprk_assertiveness", "dprk_capability"
    assert [(loop.nodes, loop.polarity) for loop in loops] == [
        ((tension, readiness), "reinforcing"),
        ((alignment, isolation), "reinforcing"),
        ((readiness, isolation, alignment), "reinforcing"),
        ((tension, readiness, isolation, alignment, assertiveness), "reinforcing"),
        ((readiness, isolation, "economic_strain", capability), "balancing"),
        ((readiness, isolation, alignment, capability), "reinforcing"),
        ((tension, readiness, isolation, alignment, "china_marginalisation", assertiveness), "reinforcing"),
        ((tension, readiness, isolation, alignment, capability, assertiveness), "reinforcing"),
        ((tension, readiness, isolation, "economic_strain", capability, assertiveness), "balancing"),
    ]
    assert all(isolation in loop.nodes for loop in loops[1:])
    assert truncated is False
    assert len(self_impacts(graph)) == len(seed_scenario.indicators)
    assert all(e.weight < 0 for e in self_impacts(graph))
    edge = graph.edge(0)
    assert (edge.source, edge.target, edge.basis) == (
        seed_scenario.impacts[0].source_id,
        seed_scenario.impacts[0].target,
        seed_scenario.impacts[0].source,
    )


def test_layout_puts_indicators_inside_and_drivers_on_an_outer_ring(seed_scenario):
    graph = causal_graph(Model.of(seed_scenario))
    positions = layout(graph)

    assert set(positions) == {n.id for n in graph.nodes}
    for node in graph.nodes:
        radius = math.hypot(*positions[node.id])
        expected = INDICATOR_RADIUS if node.kind == "indicator" else DRIVER_RADIUS
        assert radius == pytest.approx(expected)
    rounded = {(round(x, 6), round(y, 6)) for x, y in positions.values()}
    assert len(rounded) == len(positions)
    assert positions["peninsula_tension"] == pytest.approx((0.0, 1.0))  # the first indicator sits at the top


def test_layout_places_a_lone_driver_beside_the_indicator_it_pushes(make_scenario):
    scenario = make_scenario(
        drivers=(("d", 0.0, 1.0, 0.5),),
        indicators=(("a", 50.0), ("b", 50.0), ("c", 50.0), ("e", 50.0)),
        impacts=(("d", "c", 0.5),),
    )
    positions = layout(causal_graph(Model.of(scenario)))

    # c is the third of four indicators clockwise from the top: straight down.
    assert positions["c"] == pytest.approx((0.0, -1.0))
    assert positions["d"] == pytest.approx((0.0, -DRIVER_RADIUS))


def test_layout_keeps_drivers_in_the_order_of_their_targets(make_scenario):
    scenario = make_scenario(
        drivers=(("p", 0.0, 1.0, 0.5), ("q", 0.0, 1.0, 0.5), ("r", 0.0, 1.0, 0.5), ("s", 0.0, 1.0, 0.5)),
        indicators=(("a", 50.0), ("b", 50.0), ("c", 50.0), ("e", 50.0)),
        impacts=(("p", "e", 0.5), ("q", "a", 0.5), ("r", "c", 0.5), ("s", "b", 0.5)),
    )
    positions = layout(causal_graph(Model.of(scenario)))

    for driver, target in (("p", "e"), ("q", "a"), ("r", "c"), ("s", "b")):
        dx, dy = positions[driver]
        tx, ty = positions[target]
        assert (dx, dy) == pytest.approx((tx * DRIVER_RADIUS, ty * DRIVER_RADIUS))


# --- focus on one indicator ----------------------------------------------------------------------------------


@pytest.fixture
def chain(make_scenario):
    # d1 -> a -> b (the focus) -> e -> f -> b (a loop through b); d2 -> c -> a; self-impacts on b and c.
    return causal_graph(
        Model.of(
            make_scenario(
                drivers=(("d1", 0.0, 1.0, 0.5), ("d2", 0.0, 1.0, 0.5)),
                indicators=(("a", 50.0), ("b", 50.0), ("c", 50.0), ("e", 50.0), ("f", 50.0)),
                impacts=(
                    ("d1", "a", 0.5),  # 0
                    ("a", "b", 0.4),  # 1
                    ("d2", "c", 0.3),  # 2
                    ("c", "a", -0.2),  # 3
                    ("b", "e", 0.6),  # 4
                    ("e", "f", 0.1),  # 5
                    ("f", "b", -0.3),  # 6
                    ("c", "c", -0.5),  # 7
                    ("b", "b", -0.4),  # 8
                ),
            )
        )
    )


def test_focus_one_step_out_keeps_the_direct_drivers_and_the_direct_effects(chain):
    view = focus(chain, "b", steps=1)

    assert (view.upstream, view.downstream) == ({"a": 1, "f": 1}, {"e": 1})
    assert [n.id for n in view.graph.nodes] == ["a", "b", "e", "f"]
    assert [e.index for e in view.graph.edges] == [1, 4, 6, 8]  # a->b, b->e, f->b and b's self-impact


def test_focus_two_steps_out_follows_chains_of_two_impacts_either_way(chain):
    view = focus(chain, "b", steps=2)

    # d2 is three impacts away; e lies both upstream (e -> f -> b) and downstream (b -> e), f likewise.
    assert view.upstream == {"a": 1, "f": 1, "d1": 2, "c": 2, "e": 2}
    assert view.downstream == {"e": 1, "f": 2}
    assert [n.id for n in view.graph.nodes] == ["d1", "a", "b", "c", "e", "f"]
    # d2 -> c is no link of a chain of two; c's self-impact comes along with c.
    assert [e.index for e in view.graph.edges] == [0, 1, 3, 4, 5, 6, 7, 8]


def test_focus_columns_run_from_the_drivers_to_the_downstream_indicators(chain):
    view = focus(chain, "b", steps=2)

    # e is nearer downstream (1) than upstream (2): right of b; f the other way round: left of it.
    assert columns(view) == [["d1"], ["c"], ["a", "f"], ["b"], ["e"]]
    assert layered_layout(view) == {
        "d1": (0.0, 0.0),
        "c": (1.0, -0.5),  # every other column half a row lower: its labels sit between the next column's
        "a": (2.0, 0.0),  # a is c's neighbour, f has none in the column before: a first
        "f": (2.0, -1.0),
        "b": (3.0, -0.5),
        "e": (4.0, 0.0),
    }


def test_focus_on_an_indicator_without_links_is_the_indicator_alone(make_scenario):
    graph = causal_graph(Model.of(make_scenario(indicators=(("x", 50.0), ("y", 50.0)), impacts=(("x", "x", -0.5),))))
    view = focus(graph, "x", steps=2)

    assert [n.id for n in view.graph.nodes] == ["x"]
    assert [e.index for e in view.graph.edges] == [0]
    assert columns(view) == [["x"]]
    assert layered_layout(view) == {"x": (0.0, 0.0)}
    with pytest.raises(KeyError):
        focus(graph, "nowhere")
