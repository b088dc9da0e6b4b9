import type { Thresholds } from "../../components/Thresholds";
import { below } from "../../format";
import { Link } from "../../router";
import { entriesLink, type EntryFilter } from "./links";
import type { Metrics } from "./types";

const BACKGROUND = "background";
const MISSED = "missed";

/**
 * The entries behind a cell (DESIGN §3): a kept pair reaching the IoU threshold sits at (gt, pred); a prediction
 * without one in the background row; a ground truth without one in the missed column.
 */
export function cellFilter(row: string, column: string, iouThreshold: number): EntryFilter {
  if (row === BACKGROUND) return { outcome: "FALSE_POSITIVE", pred: column, maxIou: below(iouThreshold) };
  if (column === MISSED) return { outcome: "FALSE_NEGATIVE", gt: row, maxIou: below(iouThreshold) };
  return { outcome: "TRUE_POSITIVE,FALSE_POSITIVE", gt: row, pred: column, minIou: iouThreshold };
}

interface Props {
  evaluationId: string;
  matrix: Metrics["confusionMatrix"];
  thresholds: Thresholds;
}

export function ConfusionMatrix({ evaluationId, matrix, thresholds }: Props) {
  const largest = Math.max(1, ...matrix.counts.flat());
  return (
    <div className="panel wide">
      <h2>Confusion matrix</h2>
      <p className="muted">
        Rows: ground-truth label (and background: predictions without a pair reaching the IoU threshold). Columns:
        predicted label (and missed). Click a cell to see its entries.
      </p>
      <div className="scroll-x">
        <table className="confusion" data-testid="confusion-matrix">
          <thead>
            <tr>
              <th className="corner">GT ╲ pred</th>
              {matrix.columnLabels.map((label) => (
                <th key={label} className="column-label">
                  <span>{label}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.rowLabels.map((row, rowIndex) => (
              <tr key={row}>
                <th scope="row">{row}</th>
                {matrix.columnLabels.map((column, columnIndex) => {
                  const count = matrix.counts[rowIndex]?.[columnIndex] ?? 0;
                  const diagonal = row === column;
                  const shade = count === 0 ? 0 : 0.12 + 0.88 * (count / largest);
                  const tone = diagonal ? "34, 139, 84" : "214, 69, 65";
                  return (
                    <td
                      key={column}
                      data-row={row}
                      data-column={column}
                      data-count={count}
                      style={{ backgroundColor: `rgba(${tone}, ${shade.toFixed(3)})` }}
                      className={shade > 0.55 ? "dark" : ""}
                    >
                      {count === 0 || (row === BACKGROUND && column === MISSED) ? (
                        <span className="zero">{count === 0 ? "·" : count}</span>
                      ) : (
                        <Link
                          to={entriesLink(evaluationId, thresholds, cellFilter(row, column, thresholds.iou))}
                          title={`${row} → ${column}: ${count}`}
                        >
                          {count}
                        </Link>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {thresholds.confidence > 0 && (
        <p className="muted">
          At a confidence threshold above 0, a missed cell also counts ground truths whose partner fell below it; its
          link lists those with IoU under the threshold.
        </p>
      )}
    </div>
  );
}
