/*
 * kam/partial.h - segmentation of a portfolio partitioned across machines, with the same answer
 * as kam_segment on one machine.
 *
 * A partitioned portfolio (a Dask, Spark or DuckDB table split into partitions, each on some
 * worker) is segmented with one exchange of partials and one local pass; the driver never sees
 * an account or a revenue:
 *
 *   round 1  each worker: kam_partial_new from its partition's revenue column, then
 *            kam_partial_write. A reducer (a worker, or a tree of them, each writing its merged
 *            partial on) reads the partials, merges them (kam_partial_merge: associative,
 *            commutative, exact; any tree) and calls kam_partial_segment on the result:
 *            the summary and the two class cuts (kam_segment_cuts). It also reads, in each
 * partition's partial, how many of its accounts have each cut value (the count of that value's run,
 * or 0), and returns to the driver the summary, the cuts and those tie counts: nothing per account.
 *   round 2  the driver sums the tie counts over the earlier partitions (partition order) into
 *            before[2] for each partition; each worker writes its classes locally with
 *            kam_partial_classes. (A reducer that does not keep the partials can ask each
 *            worker for kam_partial_ties instead.)
 *
 * Basis margin and unit group use the same functions on other columns: the partial of a
 * partition is built from its customers' basis values (basis margin: only the positive margins;
 * a customer whose margin is <= 0 or unknown is C, and kam_partial_classes gives value 0 class
 * C), and with unit group each partition's customers must be in first-insertion order
 * (each group's total placed in the partition of its first account, before or between that
 * partition's ungrouped accounts by insertion index), so that partition order settles their
 * ties. kam_partial_segment's summary then holds the figures over the customers' values (hhi,
 * effective_accounts, gini, top20_share, the basis total as total_revenue); the per-account
 * figures (counts and revenues per class, key accounts, the margin figures) are sums over the
 * accounts once each has its customer's class, made where the accounts are.
 *
 * The answer is that of kam_segment on the concatenation of the partitions in partition order
 * (which is the insertion order for ties): the same class of every account and the same
 * summary, field by field and to the bit (hhi and gini are exact integer sums rounded once).
 *
 * What crosses the network, and its bound:
 *   round 1, per partition, worker -> reducer: one partial of 40 + 16 d bytes, d the number of
 *     distinct revenues in the partition (1 <= d <= its accounts; all accounts tied: d = 1).
 *     This is the one message whose size grows with the partition, and only through its
 *     distinct revenues: exact Gini is the sum of |x_i - x_j| over all pairs, and for the
 *     pairs that straddle two partitions no summary smaller than the values themselves gives
 *     it exactly (y -> sum over a partition of |x - y| is piecewise linear with a break at each
 *     of its distinct values, so it determines them all). The partial is that exact-Gini
 *     shuffle, and it carries everything else too: the cuts, ties, key count and top-k sum
 *     are read from the merged distribution, so nothing else crosses per account.
 *   inside a reduce tree, each task -> the next: its merged partial, at most the sum of its
 *     inputs.
 *   reducer -> driver: the summary, the cuts (kam_segment_cuts) and 16 bytes per partition
 *     (two tie counts): bounded, independent of the rows. The merged partial, 40 + 16 D bytes
 *     (D distinct revenues of the whole portfolio), stays on the reducer.
 *   round 2, driver -> each partition: the cuts and before[2] (48 + 16 bytes); nothing comes
 *     back (the classes stay where their accounts are).
 * Work: O(rows) per partition for kam_partial_new (the segmentation engine's window counts and
 * bucket sorts, no sort of the accounts) and O(rows) for kam_partial_classes; the reducer
 * O(sum of d log(partitions)) for a pairwise merge tree and O(D) to segment.
 *
 * Byte format of a partial, version 1, all integers little-endian:
 *   offset  size     field
 *   0       4        magic "KAMP"
 *   4       2        version, 1
 *   6       2        flags, 0
 *   8       8        length: the whole message in bytes, 40 + 16 d
 *   16      8        accounts n
 *   24      8        d, the number of runs
 *   32      16 d     runs: value (int64, 0..INT64_MAX), count (uint64 >= 1); values strictly
 *                    ascending, the counts summing to n, sum of value * count <= INT64_MAX
 *   32+16d  8        checksum: FNV-1a 64 of bytes 0 .. 32 + 16 d - 1 (offset basis
 *                    0xcbf29ce484222325, prime 0x100000001b3), as a uint64
 * The message is the whole input: nothing may follow it.
 *
 * Threads: as kam/common.h (one thread at a time per ctx and its objects).
 */
#ifndef KAM_PARTIAL_H
#define KAM_PARTIAL_H

#include "kam/portfolio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The partial segmentation state of some partitions: the distribution of their revenues
 *  (each distinct value and how many accounts have it) and their number of accounts. */
typedef struct kam_partial kam_partial;

/** The class cuts of a segmentation: A holds the accounts with revenue > value[0] and the first
 *  ties[0] accounts (in partition order) with revenue == value[0]; A and B together the same
 *  with value[1] and ties[1]; the rest is C. value[k] == -1 (ties 0): that cut holds nothing. */
typedef struct kam_segment_cuts {
  uint32_t struct_size; /**< sizeof(kam_segment_cuts) */
  uint32_t reserved;    /**< 0 */
  int64_t value[2];
  uint64_t ties[2];
} kam_segment_cuts;

/** Builds the partial of one partition from its revenue column rev[0..n) (minor units, each
 *  >= 0). O(n) time, the segmentation engine's window counts and bucket sorts (no sort of
 *  the accounts); while it runs, at most 16 bytes per account outside the engine's dense
 *  window of revenues plus a few MiB of fixed tables; the partial keeps 16 bytes per distinct
 *  revenue.
 *  @return KAM_OK and *out (free with kam_partial_free); on error *out is NULL and: KAM_EINVAL
 *  (out or ctx NULL, rev NULL with n > 0, a negative revenue: the message gives its index);
 *  KAM_EOVERFLOW (the column's total exceeds INT64_MAX); KAM_ENOMEM. */
KAM_API int kam_partial_new(kam_partial **out, kam_ctx *ctx, const int64_t *rev, size_t n);

/** Frees a partial (NULL is a no-op). */
KAM_API void kam_partial_free(kam_partial *p);

/** The number of accounts in the partial; 0 when p is NULL. */
KAM_API size_t kam_partial_accounts(const kam_partial *p);

/** Merges `other` into `into` (other is unchanged): the partial of both sets of partitions.
 *  Associative and commutative, exact. O(d_into + d_other); allocates the merged runs.
 *  @return KAM_OK; KAM_EINVAL (NULL, or into == other); KAM_EOVERFLOW (the merged total exceeds
 *  INT64_MAX); KAM_ENOMEM. On error `into` is unchanged. */
KAM_API int kam_partial_merge(kam_partial *into, const kam_partial *other);

/** Merges others[0..n) into `into` in one pass (the others are unchanged): the same partial
 *  as n kam_partial_merge calls, which a reducer of many partitions would make copying every
 *  run log2(n) times in a pairwise tree. A k-way merge: O(D log(n)) comparisons for D runs in
 *  all, each run read once and written once; allocates the merged runs (at most the sum of
 *  the inputs' runs) and O(n) of bookkeeping. n == 0 is a no-op; a partial may appear more
 *  than once in others (its accounts then count that many times).
 *  @return KAM_OK; KAM_EINVAL (into NULL, others NULL with n > 0, an others[i] NULL or equal
 *  to into: the message gives i); KAM_EOVERFLOW (the merged total exceeds INT64_MAX or the
 *  accounts SIZE_MAX); KAM_ENOMEM. On error `into` is unchanged. */
KAM_API int kam_partial_merge_many(kam_partial *into, const kam_partial *const *others, size_t n);

/** Writes the partial in the byte format above through `write` (in blocks of at most 16 KiB).
 *  @return KAM_OK; KAM_EINVAL (p or write NULL); KAM_ENOMEM; write's nonzero value. */
KAM_API int kam_partial_write(const kam_partial *p, kam_write_fn write, void *ud);

/** Reads one partial in the byte format above from `read` (to the end of its input).
 *  Untrusted input is safe: memory grows only with the bytes actually read (16 bytes per run),
 *  never from a declared length.
 *  @return KAM_OK and *out; on error *out is NULL and: KAM_EINVAL (out, ctx or read NULL);
 *  KAM_EPARSE (bad magic, flags, length, checksum, unordered or out-of-range runs, counts not
 *  summing to n, a total above INT64_MAX, a truncated message or bytes after it: the message
 *  says which and at which byte offset); KAM_ELIMIT (a version other than 1, more than max_runs
 *  runs when max_runs is not 0, more accounts than a size_t holds); KAM_ENOMEM; read's nonzero
 *  value. */
KAM_API int kam_partial_read(kam_partial **out, kam_ctx *ctx, kam_read_fn read, void *ud,
                             size_t max_runs);

/** The segmentation of all the accounts of the partial, as kam_segment would give it for the
 *  concatenation of its partitions: the summary (into the first sm->struct_size bytes of *sm;
 *  key_accounts counts the key_share test, the only key test on revenue alone) and the cuts
 *  (into the first cuts->struct_size bytes of *cuts). Options as kam_segment (NULL: defaults);
 *  key_top_n must be 0 (scores need every account on one machine). O(d).
 *  @return KAM_OK; KAM_EINVAL (NULL, a struct_size below 8 or above 64 KiB, an option as
 *  kam_segment, key_top_n > 0); KAM_EOVERFLOW. */
KAM_API int kam_partial_segment(kam_summary *sm, kam_segment_cuts *cuts, const kam_partial *p,
                                const kam_segment_options *o);

/** Round 2: tied[k] = how many of rev[0..n) equal cuts->value[k] (0 when value[k] is -1).
 *  O(n), no allocation. @return KAM_OK; KAM_EINVAL (NULL, rev NULL with n > 0). */
KAM_API int kam_partial_ties(uint64_t tied[2], const int64_t *rev, size_t n,
                             const kam_segment_cuts *cuts);

/** Round 2: the class letter ('A', 'B', 'C') of each account of one partition, rev[0..n), into
 *  abc[0..n), given the cuts and before[k]: how many accounts of the earlier partitions (in
 *  partition order) have revenue == cuts->value[k] (the sum of their kam_partial_ties). O(n), no
 *  allocation; split over the ctx's threads as kam_segmentation_classes.
 *  @return KAM_OK; KAM_EINVAL (NULL, rev or abc NULL with n > 0, a negative revenue, cuts
 *  not from kam_partial_segment: a value 0 or below -1, ties with value -1). */
KAM_API int kam_partial_classes(char *abc, kam_ctx *ctx, const int64_t *rev, size_t n,
                                const kam_segment_cuts *cuts, const uint64_t before[2]);

#ifdef __cplusplus
}
#endif
#endif /* KAM_PARTIAL_H */
