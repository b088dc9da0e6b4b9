import type { ErrorType, ReviewStatus } from "./gql/graphql";

/** TIDE's error types in tidecv's order (DESIGN §3), with the words the UI shows. */
export const ERROR_TYPES: readonly ErrorType[] = [
  "CLASSIFICATION",
  "LOCALIZATION",
  "BOTH",
  "DUPLICATE",
  "BACKGROUND",
  "MISSED",
];

export const ERROR_TYPE_NAMES: Record<ErrorType, string> = {
  CLASSIFICATION: "classification",
  LOCALIZATION: "localization",
  BOTH: "both",
  DUPLICATE: "duplicate",
  BACKGROUND: "background",
  MISSED: "missed",
};

export const REVIEW_STATUSES: readonly ReviewStatus[] = ["UNREVIEWED", "CONFIRMED", "LABEL_ERROR", "IGNORED"];

export const REVIEW_NAMES: Record<ReviewStatus, string> = {
  UNREVIEWED: "unreviewed",
  CONFIRMED: "confirmed",
  LABEL_ERROR: "label error",
  IGNORED: "ignored",
};

export function isErrorType(value: string): value is ErrorType {
  return (ERROR_TYPES as readonly string[]).includes(value);
}

export function isReviewStatus(value: string): value is ReviewStatus {
  return (REVIEW_STATUSES as readonly string[]).includes(value);
}
