"""numba kernels of the COCO evaluation: per (image, category) matching and per category accumulation.

Both follow pycocotools' ``COCOeval.evaluateImg`` and ``COCOeval.accumulate`` operation by operation, so that
the floating-point results are bit-identical.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from matchscope.engine._kernels_iou import pair_iou

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Codes = NDArray[np.uint8]

# Per detection, area range and IoU threshold (see ``match_groups``).
FALSE_POSITIVE = 0
TRUE_POSITIVE = 1
IGNORED = 2


@njit(cache=True, nogil=True)
def _bucket_sort(order: Ints, keys: Ints, n_buckets: int) -> Ints:
    """``order`` stably re-sorted by ``keys[order]`` (values 0..n_buckets-1): a counting sort."""
    start = np.zeros(n_buckets + 1, dtype=np.int64)
    for i in order:
        start[keys[i] + 1] += 1
    for b in range(n_buckets):
        start[b + 1] += start[b]
    out = np.empty_like(order)
    for i in order:
        out[start[keys[i]]] = i
        start[keys[i]] += 1
    return out


@njit(cache=True, nogil=True)
def detection_orders(
    by_score: Ints, score_rank: Ints, det_cat: Ints, det_image: Ints, n_cat: int, n_image: int, max_det: int
) -> tuple[Ints, Ints, Ints, Ints]:
    """The two detection orders of COCOeval, from one stable sort by score descending (``by_score``).

    Returns ``kept`` (detections grouped by image then category, by score inside a group, stable, cut to
    ``max_det`` per group), their ``rank`` in the group, ``acc`` (positions in ``kept`` ordered by category,
    then score, then image and rank: pycocotools' per-category concatenation followed by a mergesort) and
    ``slot`` (the inverse of ``acc``). ``score_rank`` numbers distinct scores from the highest.
    """
    grouped = _bucket_sort(_bucket_sort(by_score, det_cat, n_cat), det_image, n_image)
    n = grouped.shape[0]
    kept = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    n_kept = 0
    r = 0
    for i in range(n):
        j = grouped[i]
        if i > 0 and det_image[j] == det_image[grouped[i - 1]] and det_cat[j] == det_cat[grouped[i - 1]]:
            r += 1
        else:
            r = 0
        if r < max_det:
            kept[n_kept] = j
            rank[n_kept] = r
            n_kept += 1
    kept = kept[:n_kept]
    rank = rank[:n_kept]
    kept_score_rank = score_rank[kept]
    kept_cat = det_cat[kept]
    n_ranks = 1
    if n_kept:
        n_ranks = kept_score_rank.max() + 1
    positions = np.arange(n_kept)
    acc = _bucket_sort(_bucket_sort(positions, kept_score_rank, n_ranks), kept_cat, n_cat)
    slot = np.empty(n_kept, dtype=np.int64)
    slot[acc] = positions
    return kept, rank, acc, slot


@njit(cache=True, nogil=True)
def _longest_run(keys: Ints) -> int:
    longest = 0
    start = 0
    for i in range(1, keys.shape[0] + 1):
        if i == keys.shape[0] or keys[i] != keys[start]:
            longest = max(longest, i - start)
            start = i
    return longest


@njit(cache=True, nogil=True)
def match_groups(  # noqa: C901  (one function on purpose: see below)
    gt_key: Ints,
    gt_bbox: Floats,
    gt_area: Floats,
    gt_crowd: Bools,
    gt_id_nonzero: Bools,
    det_key: Ints,
    det_bbox: Floats,
    det_area: Floats,
    det_slot: Ints,
    iou_thresholds: Floats,
    area_ranges: Floats,
    codes: Codes,
) -> None:
    """evaluateImg for every (image, category) group at once.

    Ground truths are sorted by group key (file order inside a group), detections by group key then score
    (stable, already cut to maxDets[-1] per group). Fills codes (D, A, T) uint8: FALSE_POSITIVE,
    TRUE_POSITIVE or IGNORED, the values of pycocotools' ``dtMatches != 0`` / ``dtIgnore``, detection d
    at row ``det_slot[d]``. Disjoint sets of groups may run in parallel threads on the same ``codes``.

    Everything per group and per detection is inline: numba reference-counts each array passed to a helper
    (two atomic operations per array and call, inlined or not), which cost more than the matching itself.
    """
    n_det = det_key.shape[0]
    n_gt = gt_key.shape[0]
    n_area = area_ranges.shape[0]
    n_thr = iou_thresholds.shape[0]
    thresholds = np.minimum(iou_thresholds, 1 - 1e-10)
    lowest = thresholds.min()
    max_gt = max(_longest_run(gt_key), 1)
    max_det = max(_longest_run(det_key), 1)
    # Work arrays of one group: IoUs, each detection's candidates (ground truths with IoU >= the lowest
    # threshold, in file order) and the same in this area range's order, ground-truth flags.
    ious = np.zeros((max_det, max_gt))
    cand = np.empty((max_det, max_gt), dtype=np.int64)
    cand_count = np.zeros(max_det, dtype=np.int64)
    order = np.empty((max_det, max_gt), dtype=np.int64)
    order_count = np.zeros(max_det, dtype=np.int64)
    gt_ignore = np.zeros(max_gt, dtype=np.bool_)
    gt_matched = np.zeros(max_gt, dtype=np.bool_)
    g0 = 0
    d0 = 0
    while d0 < n_det:
        key = det_key[d0]
        d1 = d0
        while d1 < n_det and det_key[d1] == key:
            d1 += 1
        while g0 < n_gt and gt_key[g0] < key:
            g0 += 1
        g1 = g0
        while g1 < n_gt and gt_key[g1] == key:
            g1 += 1
        group_gt = g1 - g0
        group_det = d1 - d0
        # IoUs as bbIou in pycocotools' maskApi.c computes them (pair_iou, the IoU of every other path too).
        found = False
        for d in range(group_det):
            cand_count[d] = 0
            dx = det_bbox[d0 + d, 0]
            dy = det_bbox[d0 + d, 1]
            dw = det_bbox[d0 + d, 2]
            dh = det_bbox[d0 + d, 3]
            for g in range(group_gt):
                gx = gt_bbox[g0 + g, 0]
                gy = gt_bbox[g0 + g, 1]
                gw = gt_bbox[g0 + g, 2]
                gh = gt_bbox[g0 + g, 3]
                iou = pair_iou(gx, gy, gx + gw, gy + gh, gw * gh, dx, dy, dx + dw, dy + dh, dw * dh, gt_crowd[g0 + g])
                ious[d, g] = iou
                # Other ground truths can neither be matched nor change a match (see the break below).
                if iou >= lowest:
                    cand[d, cand_count[d]] = g
                    cand_count[d] += 1
                    found = True
        for a in range(n_area):
            low = area_ranges[a, 0]
            high = area_ranges[a, 1]
            if not found:
                for d in range(d0, d1):
                    codes[det_slot[d], a, :] = IGNORED if det_area[d] < low or det_area[d] > high else FALSE_POSITIVE
                continue
            for g in range(group_gt):
                area = gt_area[g0 + g]
                gt_ignore[g] = gt_crowd[g0 + g] or area < low or area > high
            # Candidates in pycocotools' gt order for this area range: not-ignored first, then ignored ones.
            for d in range(group_det):
                count = 0
                for c in range(cand_count[d]):
                    if not gt_ignore[cand[d, c]]:
                        order[d, count] = cand[d, c]
                        count += 1
                for c in range(cand_count[d]):
                    if gt_ignore[cand[d, c]]:
                        order[d, count] = cand[d, c]
                        count += 1
                order_count[d] = count
            for t in range(n_thr):
                gt_matched[:group_gt] = False
                for d in range(group_det):
                    area = det_area[d0 + d]
                    outside = area < low or area > high
                    slot = det_slot[d0 + d]
                    # The inner loop of evaluateImg for one detection at one threshold.
                    best_iou = thresholds[t]
                    m = -1
                    for c in range(order_count[d]):
                        g = order[d, c]
                        if gt_matched[g] and not gt_crowd[g0 + g]:
                            continue
                        # pycocotools breaks at the first ignored ground truth once a regular one is matched; a
                        # ground truth that is not a candidate would only reach this break, which the next
                        # ignored candidate reaches too.
                        if m > -1 and not gt_ignore[m] and gt_ignore[g]:
                            break
                        if ious[d, g] < best_iou:
                            continue
                        best_iou = ious[d, g]
                        m = g
                    if m == -1:
                        codes[slot, a, t] = IGNORED if outside else FALSE_POSITIVE
                        continue
                    gt_matched[m] = True
                    # dtMatches holds the gt id: an id of 0 reads as "unmatched" in pycocotools.
                    matched = gt_id_nonzero[g0 + m]
                    if gt_ignore[m] or (not matched and outside):
                        codes[slot, a, t] = IGNORED
                    else:
                        codes[slot, a, t] = TRUE_POSITIVE if matched else FALSE_POSITIVE
        d0 = d1
        g0 = g1


@njit(cache=True, nogil=True)
def accumulate(  # noqa: C901  (the per-detection pass is inline: see match_groups)
    first_cat: int,
    end_cat: int,
    cat_start: Ints,
    det_rank: Ints,
    det_score: Floats,
    codes: Codes,
    positives: Ints,
    max_dets: Ints,
    rec_thresholds: Floats,
    precision: Floats,
    recall: Floats,
    scores: Floats,
) -> None:
    """accumulate() for categories first_cat:end_cat; detections sorted by category, then as pycocotools
    concatenates. Disjoint category ranges may run in parallel threads on the same output arrays.

    ``cat_start`` (K+1,) bounds each category's detections, which are ordered by score
    (stable over image order and rank). ``positives`` (K, A) counts the not-ignored ground truths. Fills
    precision (T, R, K, A, M), recall (T, K, A, M) and scores (T, R, K, A, M), which hold -1 on entry.
    ``max_dets`` must be ascending.

    Only true positives are kept along the curve: recall rises only there, and the precision envelope at any
    point is the highest precision of a true positive at or after it (a false positive never raises
    precision), so the values read at the recall thresholds are pycocotools' exactly. One pass over a
    category's detections serves every (area range, IoU threshold, maxDets): a false positive is counted
    once, under the smallest maxDets it falls within, and the counts are summed up at each true positive.
    True and false positive counts are integers, so the float operations are pycocotools' own.
    """
    n_area = codes.shape[1]
    n_thr = codes.shape[2]
    n_max = max_dets.shape[0]
    longest = 1
    for k in range(first_cat, end_cat):
        for a in range(n_area):
            longest = max(longest, positives[k, a] + 1)
    rc = np.empty((n_area, n_thr, n_max, longest))
    pr = np.empty((n_area, n_thr, n_max, longest))
    ss = np.empty((n_area, n_thr, n_max, longest))
    fp_by = np.zeros((n_max, n_area, n_thr), dtype=np.int64)  # false positives by smallest maxDets index
    tp = np.zeros((n_area, n_thr, n_max), dtype=np.int64)
    eps = np.spacing(1.0)
    for k in range(first_cat, end_cat):
        s0 = cat_start[k]
        s1 = cat_start[k + 1]
        fp_by[:] = 0
        tp[:] = 0
        for i in range(s0, s1):
            rank = det_rank[i]
            b = 0
            while b < n_max and rank >= max_dets[b]:
                b += 1
            if b == n_max:
                continue
            for a in range(n_area):
                npig = positives[k, a]
                if npig == 0:
                    continue
                for t in range(n_thr):
                    code = codes[i, a, t]
                    if code == FALSE_POSITIVE:
                        fp_by[b, a, t] += 1
                    elif code == TRUE_POSITIVE:
                        fp = 0
                        for m in range(n_max):
                            fp += fp_by[m, a, t]
                            if m < b:
                                continue
                            count = tp[a, t, m] + 1
                            tp[a, t, m] = count
                            tp_sum = float(count)
                            rc[a, t, m, count - 1] = tp_sum / npig
                            pr[a, t, m, count - 1] = tp_sum / (float(fp) + tp_sum + eps)
                            ss[a, t, m, count - 1] = det_score[i]
        for a in range(n_area):
            npig = positives[k, a]
            if npig == 0:
                continue
            for t in range(n_thr):
                for m in range(n_max):
                    _fill_curve(
                        rc[a, t, m],
                        pr[a, t, m],
                        ss[a, t, m],
                        tp[a, t, m],
                        rec_thresholds,
                        precision[t, :, k, a, m],
                        scores[t, :, k, a, m],
                    )
                    recall[t, k, a, m] = float(tp[a, t, m]) / npig
                    if s1 > s0:
                        # pycocotools reads the score at recall 0 before dropping ignored detections:
                        # it is the category's highest score.
                        scores[t, 0, k, a, m] = det_score[s0]


@njit(cache=True, nogil=True)
def _fill_curve(
    rc: Floats,
    pr: Floats,
    ss: Floats,
    n_tp: int,
    rec_thresholds: Floats,
    precision_out: Floats,
    scores_out: Floats,
) -> None:
    for i in range(n_tp - 1, 0, -1):
        if pr[i] > pr[i - 1]:
            pr[i - 1] = pr[i]
    j = 0
    precision_out[:] = 0.0
    scores_out[:] = 0.0
    for r in range(rec_thresholds.shape[0]):
        while j < n_tp and rc[j] < rec_thresholds[r]:
            j += 1
        if j >= n_tp:
            break
        precision_out[r] = pr[j]
        scores_out[r] = ss[j]
