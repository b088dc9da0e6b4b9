import { useCallback, useRef, useState } from "react";
import { request } from "../../api/client";
import { ReviewMatchMutation } from "../../api/operations";
import type { Thresholds } from "../../components/Thresholds";
import type { ReviewFieldsFragment, ReviewStatus } from "../../gql/graphql";

export interface ShownReview extends ReviewFieldsFragment {
  /** Sent and not answered yet. */
  pending: boolean;
}

export interface Reviewable {
  id: string;
  review?: ReviewFieldsFragment | null;
  groundTruth?: { id: string } | null;
  prediction?: { id: string } | null;
}

/** A review belongs to the entry's pair of boxes: a kept pair's false positive and false negative share it. */
function pairOf(entry: Reviewable): string {
  return `${entry.groundTruth?.id ?? ""}|${entry.prediction?.id ?? ""}`;
}

/**
 * Reviews set from this page: shown at once (optimistic), replaced by the server's answer, and taken back with an
 * error when the server refuses. Only the newest request per pair decides what is shown.
 */
export function useReviews(thresholds: Thresholds) {
  const [overrides, setOverrides] = useState<ReadonlyMap<string, ShownReview | null>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(new Map<string, number>());
  const sequence = useRef(0);

  const reviewOf = useCallback(
    (entry: Reviewable): ShownReview | null => {
      const override = overrides.get(pairOf(entry));
      if (override !== undefined) return override;
      return entry.review ? { ...entry.review, pending: false } : null;
    },
    [overrides],
  );

  const put = (pair: string, review: ShownReview | null) => {
    setOverrides((previous) => new Map(previous).set(pair, review));
  };

  /** `note` undefined keeps the stored note (the API's rule); null clears it. */
  const setReview = useCallback(
    (entry: Reviewable, status: ReviewStatus, note?: string | null) => {
      const pair = pairOf(entry);
      const before = reviewOf(entry);
      const mine = ++sequence.current;
      latest.current.set(pair, mine);
      const shownNote = note === undefined ? (before?.note ?? null) : note;
      // UNREVIEWED is no review at all (the API removes it with its note).
      put(pair, status === "UNREVIEWED" ? null : { status, note: shownNote, updatedAt: new Date().toISOString(), pending: true });
      setError(null);
      const rollback = (message: string) => {
        if (latest.current.get(pair) !== mine) return;
        put(pair, before && { ...before, pending: false });
        setError(`The review was not saved: ${message}`);
      };
      const variables = { id: entry.id, status, note, iou: thresholds.iou, confidence: thresholds.confidence };
      request(ReviewMatchMutation, variables).then(
        (result) => {
          const payload = result.reviewMatch;
          if (payload.__typename !== "Match") {
            rollback(payload.message);
            return;
          }
          if (latest.current.get(pair) !== mine) return;
          put(pair, payload.review ? { ...payload.review, pending: false } : null);
        },
        (failure: unknown) => {
          rollback(failure instanceof Error ? failure.message : String(failure));
        },
      );
    },
    [reviewOf, thresholds.iou, thresholds.confidence],
  );

  const dismissError = useCallback(() => {
    setError(null);
  }, []);
  return { reviewOf, setReview, error, dismissError };
}
