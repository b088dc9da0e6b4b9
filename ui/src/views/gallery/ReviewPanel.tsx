import type { ReviewStatus } from "../../gql/graphql";
import { fixed, when } from "../../format";
import { REVIEW_NAMES } from "../../vocabulary";
import { OUTCOME_SHORT } from "./filters";
import { REVIEW_KEYS } from "./triageKeys";
import type { Entry } from "./usePagedMatches";
import type { ShownReview } from "./useReviews";

interface Props {
  entry: Entry;
  review: ShownReview | null;
  onReview: (status: ReviewStatus) => void;
  onEditNote: () => void;
}

/** The selected entry in the detail view: what it is, its review, and the buttons the triage keys press. */
export function ReviewPanel({ entry, review, onReview, onEditNote }: Props) {
  const status = review?.status ?? "UNREVIEWED";
  return (
    <div className="review-panel" data-testid="review-panel" data-entry-id={entry.id} data-status={status}>
      <div className="row">
        <span className={`badge ${entry.outcome}`}>{OUTCOME_SHORT[entry.outcome]}</span>
        <span>
          {entry.groundTruthLabel ?? "∅"} → {entry.predictionLabel ?? "∅"} · IoU {fixed(entry.iou)} · conf{" "}
          {fixed(entry.confidence, 2)}
        </span>
      </div>
      <div className="row">
        <strong>Review:</strong>
        <span data-testid="review-panel-status">{REVIEW_NAMES[status]}</span>
        {review?.pending && <span className="muted">saving…</span>}
        {review && !review.pending && status !== "UNREVIEWED" && <span className="muted">updated {when(review.updatedAt)}</span>}
        {REVIEW_KEYS.map(([key, choice]) => (
          <button
            key={choice}
            type="button"
            aria-pressed={status === choice}
            onClick={() => {
              onReview(choice);
            }}
          >
            <kbd>{key}</kbd> {REVIEW_NAMES[choice]}
          </button>
        ))}
        <button type="button" onClick={onEditNote}>
          <kbd>n</kbd> note
        </button>
      </div>
      <p className="note" data-testid="review-note">
        {review?.note ? review.note : <span className="muted">no note</span>}
      </p>
    </div>
  );
}
