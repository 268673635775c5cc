"""Values nested in tuples, lists and dicts (case inputs, results): one walker for all."""

from __future__ import annotations

from typing import Any, Callable, Iterator


def tree_map(leaf: Callable[[Any], Any], x: Any) -> Any:
    """`x` with every leaf replaced by leaf(it); tuples stay tuples, lists lists, dicts dicts."""
    if isinstance(x, tuple):
        return tuple(tree_map(leaf, v) for v in x)
    if isinstance(x, list):
        return [tree_map(leaf, v) for v in x]
    if isinstance(x, dict):
        return {k: tree_map(leaf, v) for k, v in x.items()}
    return leaf(x)


def tree_leaves(x: Any) -> Iterator[Any]:
    if isinstance(x, (tuple, list)):
        for v in x:
            yield from tree_leaves(v)
    elif isinstance(x, dict):
        for v in x.values():
            yield from tree_leaves(v)
    else:
        yield x
