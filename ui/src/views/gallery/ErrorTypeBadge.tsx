import type { ErrorType } from "../../gql/graphql";
import { ERROR_TYPE_COLOURS } from "../../palette";
import { ERROR_TYPE_NAMES } from "../../vocabulary";

/** An entry's TIDE error type at the page's thresholds, in the colour of its bar. */
export function ErrorTypeBadge({ type }: { type: ErrorType }) {
  return (
    <span
      className="badge error-type"
      data-testid="error-type"
      data-type={type}
      style={{ background: ERROR_TYPE_COLOURS[type] }}
    >
      {ERROR_TYPE_NAMES[type]}
    </span>
  );
}
