"""Benjamini–Hochberg over a whole dataset, from a histogram of its p-values.

The CLI's `latent detector score --fdr Q` sorts all m p-values and finds the largest rank
k with p_(k) <= k/m * Q; the rows of rank <= k are discoveries. Ties never straddle k
(if p_(k) = p_(k+1) then p_(k+1) <= k/m*Q < (k+1)/m*Q, so k+1 would qualify too), so the
discoveries are exactly the rows with p <= p_(k): one cut-off value decides every row.

Conformal p-values take at most n + 1 distinct values (j / (n + 1), n = calibration rows),
so the global sort only needs the distinct values and how many rows hold each: the rank
of the last row holding value v is the running count up to v, and only those ranks can be
the largest qualifying k (a tie block qualifies at its end whenever it does anywhere).
This module is pure Python so it runs on the driver and in tests without Spark.
"""


def bh_cutoff(counts, q):
    """The largest p-value that is a discovery at false discovery rate q, or None.

    counts: (p_value, rows) pairs, one per distinct p-value, in any order.
    The comparison is the CLI's, operation for operation (rank / m * q in doubles), so
    the cut-off is the same one `latent detector score --fdr q` finds on the same rows.
    """
    if not 0 < q <= 1:
        raise ValueError(f"--fdr must be in (0, 1], not {q}")
    ordered = sorted(counts)
    m = sum(n for _, n in ordered)
    cutoff = None
    rank = 0
    for p, n in ordered:
        if not 0 <= p <= 1:
            raise ValueError(f"a p-value {p} is outside [0, 1]")
        rank += n
        if p <= float(rank) / float(m) * q:
            cutoff = p
    return cutoff
