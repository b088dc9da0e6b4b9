import type { ErrorType } from "./gql/graphql";

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

export function isErrorType(value: string): value is ErrorType {
  return (ERROR_TYPES as readonly string[]).includes(value);
}
