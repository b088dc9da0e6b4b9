"""numba kernels of the COCO evaluation: per (image, category) matching and per category accumulation.

Both follow pycocotools' ``COCOeval.evaluateImg`` and ``COCOeval.accumulate`` operation by operation, so that
the floating-point results are bit-identical.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]
Codes = NDArray[np.uint8]

# Per detection, area range and IoU threshold (see ``match_groups``).
FALSE_POSITIVE = 0
TRUE_POSITIVE = 1
IGNORED = 2


@njit(cache=True, nogil=True)
def _bbox_iou(det: Floats, gt: Floats, crowd: bool) -> float:
    # Same operations, in the same order, as bbIou in pycocotools' maskApi.c.
    det_area = det[2] * det[3]
    gt_area = gt[2] * gt[3]
    w = min(det[2] + det[0], gt[2] + gt[0]) - max(det[0], gt[0])
    if w <= 0:
        return 0.0
    h = min(det[3] + det[1], gt[3] + gt[1]) - max(det[1], gt[1])
    if h <= 0:
        return 0.0
    inter = w * h
    union = det_area if crowd else det_area + gt_area - inter
    return float(inter / union)


@njit(cache=True, nogil=True)
def match_groups(
    gt_key: Ints,
    gt_bbox: Floats,
    gt_area: Floats,
    gt_crowd: Bools,
    gt_id_nonzero: Bools,
    det_key: Ints,
    det_bbox: Floats,
    det_area: Floats,
    iou_thresholds: Floats,
    area_ranges: Floats,
) -> Codes:
    """evaluateImg for every (image, category) group at once.

    Ground truths are sorted by group key (file order inside a group), detections by group key then score
    (stable, already cut to maxDets[-1] per group). Returns codes (D, A, T) uint8: FALSE_POSITIVE,
    TRUE_POSITIVE or IGNORED, the values of pycocotools' ``dtMatches != 0`` / ``dtIgnore``.
    """
    n_det = det_key.shape[0]
    n_gt = gt_key.shape[0]
    n_area = area_ranges.shape[0]
    n_thr = iou_thresholds.shape[0]
    codes = np.empty((n_det, n_area, n_thr), dtype=np.uint8)
    thresholds = np.minimum(iou_thresholds, 1 - 1e-10)
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
        _match_group(
            g0,
            g1,
            d0,
            d1,
            gt_bbox,
            gt_area,
            gt_crowd,
            gt_id_nonzero,
            det_bbox,
            det_area,
            thresholds,
            area_ranges,
            codes,
        )
        d0 = d1
        g0 = g1
    return codes


@njit(cache=True, nogil=True)
def _match_group(
    g0: int,
    g1: int,
    d0: int,
    d1: int,
    gt_bbox: Floats,
    gt_area: Floats,
    gt_crowd: Bools,
    gt_id_nonzero: Bools,
    det_bbox: Floats,
    det_area: Floats,
    thresholds: Floats,
    area_ranges: Floats,
    codes: Codes,
) -> None:
    n_gt = g1 - g0
    n_det = d1 - d0
    n_area = area_ranges.shape[0]
    n_thr = thresholds.shape[0]
    # Candidate ground truths of each detection: IoU >= the lowest threshold, in file order. Other ground
    # truths can neither be matched nor change the outcome (see the ``break`` note below).
    lowest = thresholds.min()
    ious = np.zeros((n_det, n_gt))
    cand_count = np.zeros(n_det, dtype=np.int64)
    cand = np.empty((n_det, max(n_gt, 1)), dtype=np.int64)
    for d in range(n_det):
        for g in range(n_gt):
            iou = _bbox_iou(det_bbox[d0 + d], gt_bbox[g0 + g], gt_crowd[g0 + g])
            ious[d, g] = iou
            if iou >= lowest:
                cand[d, cand_count[d]] = g
                cand_count[d] += 1
    gt_ignore = np.empty(n_gt, dtype=np.bool_)
    gt_matched = np.empty(n_gt, dtype=np.bool_)
    order = np.empty(max(n_gt, 1), dtype=np.int64)
    for a in range(n_area):
        low = area_ranges[a, 0]
        high = area_ranges[a, 1]
        for g in range(n_gt):
            area = gt_area[g0 + g]
            gt_ignore[g] = gt_crowd[g0 + g] or area < low or area > high
        for t in range(n_thr):
            gt_matched[:] = False
            for d in range(n_det):
                m = _match_detection(
                    d, cand, cand_count[d], ious, gt_ignore, gt_matched, gt_crowd[g0:g1], order, thresholds[t]
                )
                area = det_area[d0 + d]
                outside = area < low or area > high
                if m == -1:
                    codes[d0 + d, a, t] = 2 if outside else 0
                    continue
                gt_matched[m] = True
                # dtMatches holds the gt id: an id of 0 reads as "unmatched" in pycocotools.
                matched = gt_id_nonzero[g0 + m]
                if gt_ignore[m] or (not matched and outside):
                    codes[d0 + d, a, t] = 2
                else:
                    codes[d0 + d, a, t] = 1 if matched else 0


@njit(cache=True, nogil=True)
def _match_detection(
    d: int,
    cand: Ints,
    n_all: int,
    ious: Floats,
    gt_ignore: Bools,
    gt_matched: Bools,
    gt_crowd: Bools,
    order: Ints,
    threshold: float,
) -> int:
    """The inner loop of evaluateImg for one detection at one threshold: the matched gt or -1."""
    # Candidates in pycocotools' order: not-ignored ground truths first, then ignored ones.
    n_cand = 0
    for c in range(n_all):
        if not gt_ignore[cand[d, c]]:
            order[n_cand] = cand[d, c]
            n_cand += 1
    for c in range(n_all):
        if gt_ignore[cand[d, c]]:
            order[n_cand] = cand[d, c]
            n_cand += 1
    best_iou = threshold
    m = -1
    for c in range(n_cand):
        g = order[c]
        if gt_matched[g] and not gt_crowd[g]:
            continue
        # pycocotools breaks at the first ignored ground truth once a regular one is matched.
        if m > -1 and not gt_ignore[m] and gt_ignore[g]:
            break
        if ious[d, g] < best_iou:
            continue
        best_iou = ious[d, g]
        m = g
    return m


@njit(cache=True, nogil=True)
def accumulate(
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
    """accumulate() for every category; detections sorted by category, then as pycocotools concatenates.

    ``cat_start`` (K+1,) bounds each category's detections, which are ordered by score
    (stable over image order and rank). ``positives`` (K, A) counts the not-ignored ground truths. Fills
    precision (T, R, K, A, M), recall (T, K, A, M) and scores (T, R, K, A, M), which hold -1 on entry.
    """
    n_cat = cat_start.shape[0] - 1
    n_area = codes.shape[1]
    n_thr = codes.shape[2]
    n_max = max_dets.shape[0]
    longest = 0
    for k in range(n_cat):
        longest = max(longest, cat_start[k + 1] - cat_start[k])
    rc = np.empty((n_max, longest + 1))
    pr = np.empty((n_max, longest + 1))
    ss = np.empty((n_max, longest + 1))
    nd = np.empty(n_max, dtype=np.int64)
    for k in range(n_cat):
        s0 = cat_start[k]
        s1 = cat_start[k + 1]
        for a in range(n_area):
            npig = positives[k, a]
            if npig == 0:
                continue
            for t in range(n_thr):
                _walk(s0, s1, a, t, codes, det_rank, det_score, max_dets, npig, rc, pr, ss, nd)
                for m in range(n_max):
                    _fill_curve(
                        rc[m],
                        pr[m],
                        ss[m],
                        nd[m],
                        rec_thresholds,
                        precision[t, :, k, a, m],
                        scores[t, :, k, a, m],
                    )
                    recall[t, k, a, m] = rc[m, nd[m] - 1] if nd[m] > 0 else 0.0
                    if s1 > s0:
                        # pycocotools reads the score at recall 0 before dropping ignored detections:
                        # it is the category's highest score.
                        scores[t, 0, k, a, m] = det_score[s0]


@njit(cache=True, nogil=True)
def _walk(
    s0: int,
    s1: int,
    a: int,
    t: int,
    codes: Codes,
    det_rank: Ints,
    det_score: Floats,
    max_dets: Ints,
    npig: int,
    rc: Floats,
    pr: Floats,
    ss: Floats,
    nd: Ints,
) -> None:
    """Recall, precision and score of the not-ignored detections s0:s1 for each maxDets, in order."""
    n_max = max_dets.shape[0]
    eps = np.spacing(1.0)
    tp = np.zeros(n_max)
    fp = np.zeros(n_max)
    nd[:] = 0
    for i in range(s0, s1):
        code = codes[i, a, t]
        if code == 2:
            continue
        rank = det_rank[i]
        for m in range(n_max):
            if rank >= max_dets[m]:
                continue
            if code == 1:
                tp[m] += 1.0
            else:
                fp[m] += 1.0
            j = nd[m]
            rc[m, j] = tp[m] / npig
            pr[m, j] = tp[m] / (fp[m] + tp[m] + eps)
            ss[m, j] = det_score[i]
            nd[m] = j + 1


@njit(cache=True, nogil=True)
def _fill_curve(
    rc: Floats,
    pr: Floats,
    ss: Floats,
    nd: int,
    rec_thresholds: Floats,
    precision_out: Floats,
    scores_out: Floats,
) -> None:
    for i in range(nd - 1, 0, -1):
        if pr[i] > pr[i - 1]:
            pr[i - 1] = pr[i]
    j = 0
    n_rec = rec_thresholds.shape[0]
    precision_out[:] = 0.0
    scores_out[:] = 0.0
    for r in range(n_rec):
        while j < nd and rc[j] < rec_thresholds[r]:
            j += 1
        if j >= nd:
            break
        precision_out[r] = pr[j]
        scores_out[r] = ss[j]
