import type { Thresholds } from "../../components/Thresholds";
import type { MatchOutcome } from "../../gql/graphql";
import { Link } from "../../router";
import { REVIEW_NAMES } from "../../vocabulary";
import { LabelErrorsDownload } from "./LabelErrorsDownload";
import { entriesLink } from "./links";
import type { Metrics } from "./types";

const OUTCOME_COLUMNS: [MatchOutcome, "truePositives" | "falsePositives" | "falseNegatives", string][] = [
  ["TRUE_POSITIVE", "truePositives", "TP"],
  ["FALSE_POSITIVE", "falsePositives", "FP"],
  ["FALSE_NEGATIVE", "falseNegatives", "FN"],
];

interface Props {
  evaluationId: string;
  reviews: Metrics["reviews"];
  thresholds: Thresholds;
  /** The download's file name. */
  labelErrorsFile: string;
}

/** The entries at the thresholds per review status and outcome; each count opens those entries. */
export function ReviewCounts({ evaluationId, reviews, thresholds, labelErrorsFile }: Props) {
  return (
    <div className="panel">
      <h2>Reviews</h2>
      <table className="data compact" data-testid="review-counts">
        <thead>
          <tr>
            <th>status</th>
            {OUTCOME_COLUMNS.map(([outcome, , title]) => (
              <th key={outcome} className="num">
                {title}
              </th>
            ))}
            <th className="num">total</th>
          </tr>
        </thead>
        <tbody>
          {reviews.map((row) => (
            <tr key={row.status} data-status={row.status}>
              <td>{REVIEW_NAMES[row.status]}</td>
              {OUTCOME_COLUMNS.map(([outcome, key]) => (
                <td key={outcome} className="num" data-col={key}>
                  {row[key] === 0 ? (
                    <span className="muted">0</span>
                  ) : (
                    <Link to={entriesLink(evaluationId, thresholds, { outcome, review: row.status })}>{row[key]}</Link>
                  )}
                </td>
              ))}
              <td className="num" data-col="total">
                {row.total}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LabelErrorsDownload evaluationId={evaluationId} fileName={labelErrorsFile} />
    </div>
  );
}
