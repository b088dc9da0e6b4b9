import { cocoStat, fixed } from "../../format";
import { Link, navigate, useSearchParams, withParams } from "../../router";
import { entriesLink } from "./links";
import type { EvaluationDetails, Metrics } from "./types";
import type { Thresholds } from "../../components/Thresholds";

interface Row {
  label: string;
  groundTruthCount: number;
  predictionCount: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
  ap: number;
  ap50: number;
}

type Column = Exclude<keyof Row, never>;
const COLUMNS: [Column, string][] = [
  ["label", "class"],
  ["groundTruthCount", "GT"],
  ["predictionCount", "pred"],
  ["truePositives", "TP"],
  ["falsePositives", "FP"],
  ["falseNegatives", "FN"],
  ["precision", "precision"],
  ["recall", "recall"],
  ["f1", "F1"],
  ["ap", "AP"],
  ["ap50", "AP50"],
];

function isColumn(value: string | null): value is Column {
  return COLUMNS.some(([key]) => key === value);
}

interface Props {
  evaluationId: string;
  metrics: Metrics;
  coco: EvaluationDetails["coco"];
  thresholds: Thresholds;
}

export function ClassTable({ evaluationId, metrics, coco, thresholds }: Props) {
  const params = useSearchParams();
  const requested = params.get("sort");
  const sortBy: Column = isColumn(requested) ? requested : "label";
  const descending = params.get("dir") === "desc";
  const ap = new Map(coco.perClass.map((entry) => [entry.label, entry.stats]));
  const rows: Row[] = metrics.perClass.map((entry) => ({
    label: entry.label,
    groundTruthCount: entry.groundTruthCount,
    predictionCount: entry.predictionCount,
    ...entry.counts,
    ap: ap.get(entry.label)?.ap ?? -1,
    ap50: ap.get(entry.label)?.ap50 ?? -1,
  }));
  rows.sort((left, right) => {
    const a = left[sortBy];
    const b = right[sortBy];
    const order = typeof a === "string" && typeof b === "string" ? a.localeCompare(b) : Number(a) - Number(b);
    return descending ? -order : order;
  });
  const sortLink = (column: Column) =>
    withParams({ sort: column, dir: column === sortBy && !descending ? "desc" : "asc" });
  return (
    <div className="panel">
      <h2>Per class</h2>
      <table className="data" data-testid="class-table">
        <thead>
          <tr>
            {COLUMNS.map(([key, title]) => (
              <th key={key} className={key === "label" ? "" : "num"} aria-sort={sortBy === key ? (descending ? "descending" : "ascending") : "none"}>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    navigate(sortLink(key), { replace: true });
                  }}
                >
                  {title}
                  {sortBy === key ? (descending ? " ▼" : " ▲") : ""}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label} data-label={row.label}>
              <td>{row.label}</td>
              <td className="num">{row.groundTruthCount}</td>
              <td className="num">{row.predictionCount}</td>
              <td className="num" data-col="tp">
                <Link to={entriesLink(evaluationId, thresholds, { outcome: "TRUE_POSITIVE", gt: row.label })}>
                  {row.truePositives}
                </Link>
              </td>
              <td className="num" data-col="fp">
                <Link to={entriesLink(evaluationId, thresholds, { outcome: "FALSE_POSITIVE", pred: row.label })}>
                  {row.falsePositives}
                </Link>
              </td>
              <td className="num" data-col="fn">
                <Link to={entriesLink(evaluationId, thresholds, { outcome: "FALSE_NEGATIVE", gt: row.label })}>
                  {row.falseNegatives}
                </Link>
              </td>
              <td className="num">{fixed(row.precision)}</td>
              <td className="num">{fixed(row.recall)}</td>
              <td className="num">{fixed(row.f1)}</td>
              <td className="num">{cocoStat(row.ap)}</td>
              <td className="num">{cocoStat(row.ap50)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        TP/FP/FN and P/R/F1 at the thresholds above; AP and AP50 are COCO's (threshold-free).{" "}
        <Link to={entriesLink(evaluationId, thresholds, {})}>All entries →</Link>
      </p>
    </div>
  );
}
