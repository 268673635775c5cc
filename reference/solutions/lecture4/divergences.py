"""Reference solutions: KL and Jensen-Shannon divergences between probability vectors."""

import math

from backends import array_namespace


def kl_divergence(p, q, base=2):
    xp = array_namespace(p, q)
    p_pos, q_pos = p > 0, q > 0
    one = xp.ones_like(p)
    # Logs of 1 where an entry is 0: no log 0 is ever taken, the where() below picks the answer.
    log_ratio = xp.log(xp.where(p_pos, p, one)) - xp.log(xp.where(q_pos, q, one))
    terms = xp.where(p_pos, xp.where(q_pos, p * log_ratio, math.inf), xp.zeros_like(p))
    return xp.sum(terms, axis=-1) / math.log(base)


def js_divergence(p, q, base=2):
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, base) + 0.5 * kl_divergence(q, m, base)
