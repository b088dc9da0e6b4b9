import { REVIEW_NAMES } from "../../vocabulary";
import type { ShownReview } from "./useReviews";

/** A review's status as a small badge (nothing while unreviewed); faded until the server has it. */
export function ReviewBadge({ review }: { review: ShownReview | null }) {
  const status = review?.status ?? "UNREVIEWED";
  if (status === "UNREVIEWED") return <span data-testid="review-status" data-status="UNREVIEWED" hidden />;
  return (
    <span
      className={`badge review ${status} ${review?.pending ? "pending" : ""}`}
      data-testid="review-status"
      data-status={status}
      title={review?.note ?? undefined}
    >
      {REVIEW_NAMES[status]}
      {review?.note ? " ✎" : ""}
    </span>
  );
}
