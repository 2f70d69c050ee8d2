"""Full searches on the core + chains (kernels.chain_decompose / dijkstra_chains) equal an independent
Dijkstra (scipy's, with a virtual source node for the start offsets) on graphs made of chains, rings,
one-way and asymmetric edges, with sources on chains and on core nodes."""
from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra as scipy_dijkstra

from planner.network.engine import TravelTimeEngine
from planner.network.kernels import dijkstra_chains


def _graph(seed: int) -> sp.csr_array:
    """A street-like random graph: a few junctions joined by chains of two-way shape nodes (some with
    different times each way), a ring without junctions, a one-way chain, a dead-end and a loop."""
    rng = random.Random(seed)
    edges: dict[tuple[int, int], float] = {}
    n = 0

    def node() -> int:
        nonlocal n
        n += 1
        return n - 1

    junctions = [node() for _ in range(6)]

    def chain(a: int, b: int, length: int, one_way: bool = False) -> None:
        nodes = [a] + [node() for _ in range(length)] + [b]
        for u, v in zip(nodes, nodes[1:]):
            edges[(u, v)] = float(rng.randint(1, 40))
            if not one_way:
                edges[(v, u)] = float(rng.choice([edges[(u, v)], rng.randint(1, 40)]))

    for _ in range(9):
        a, b = rng.sample(junctions, 2)
        chain(a, b, rng.randint(0, 5))
    chain(junctions[0], junctions[0], 3)                    # a loop back to its own junction
    chain(junctions[1], node(), 2)                          # a dead-end (its tip is a core node)
    chain(junctions[2], junctions[3], 3, one_way=True)      # one-way: not a chain
    ring = [node() for _ in range(5)]                       # a ring of two-neighbour nodes only
    for u, v in zip(ring, ring[1:] + ring[:1]):
        edges[(u, v)] = float(rng.randint(1, 40))
        edges[(v, u)] = float(rng.randint(1, 40))
    rows, cols = zip(*edges)
    csr = sp.csr_array((list(edges.values()), (rows, cols)), shape=(n, n))
    csr.sort_indices()
    return csr


def _reference(csr: sp.csr_array, sources: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """scipy's Dijkstra from a virtual node joined to each source by an edge of its offset."""
    n = csr.shape[0]
    start: dict[int, float] = {}
    for s, o in zip(sources.tolist(), offsets.tolist()):   # one edge per source (scipy adds repeats up)
        start[s] = min(start.get(s, np.inf), max(o, 0.0))
    coo = csr.tocoo()
    rows = np.concatenate([coo.row, np.full(len(start), n)])
    cols = np.concatenate([coo.col, list(start)])
    data = np.concatenate([coo.data, np.array(list(start.values())) + 1e-300])  # scipy drops explicit zeros
    graph = sp.csr_array((data, (rows, cols)), shape=(n + 1, n + 1))
    return scipy_dijkstra(graph, directed=True, indices=n)[:n]


@pytest.mark.parametrize("seed", range(12))
def test_core_and_chains_equal_a_plain_dijkstra(seed):
    csr = _graph(seed)
    rev = sp.csr_array(csr.T.tocsr())
    rev.sort_indices()
    fake = SimpleNamespace(_fwd=csr, _rev=rev, n=csr.shape[0], _chain_cache={})
    rng = np.random.default_rng(seed)
    chains = TravelTimeEngine._chains(fake, False)
    assert (chains[5] >= 0).sum() > csr.shape[0] // 3   # most nodes are on chains
    for reverse in (False, True):
        for _ in range(5):
            sources = rng.integers(0, csr.shape[0], rng.integers(1, 4))
            offsets = rng.uniform(-2, 30, len(sources)).round(1)
            got = dijkstra_chains(*TravelTimeEngine._chains(fake, reverse), sources, offsets)
            want = _reference(rev if reverse else csr, sources, offsets)
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
