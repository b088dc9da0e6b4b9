import { ErrorNote, Loading } from "../../components/Status";
import { cocoStat } from "../../format";
import type { EvaluationDetails } from "./types";

type Overall = EvaluationDetails["coco"]["overall"];
type StatKey = Exclude<keyof Overall, "__typename">;

const ROWS: [StatKey, string][] = [
  ["ap", "AP @[IoU=0.50:0.95 | area=all | maxDets=100]"],
  ["ap50", "AP @[IoU=0.50 | area=all | maxDets=100]"],
  ["ap75", "AP @[IoU=0.75 | area=all | maxDets=100]"],
  ["apSmall", "AP @[IoU=0.50:0.95 | area=small | maxDets=100]"],
  ["apMedium", "AP @[IoU=0.50:0.95 | area=medium | maxDets=100]"],
  ["apLarge", "AP @[IoU=0.50:0.95 | area=large | maxDets=100]"],
  ["ar1", "AR @[IoU=0.50:0.95 | area=all | maxDets=1]"],
  ["ar10", "AR @[IoU=0.50:0.95 | area=all | maxDets=10]"],
  ["ar100", "AR @[IoU=0.50:0.95 | area=all | maxDets=100]"],
  ["arSmall", "AR @[IoU=0.50:0.95 | area=small | maxDets=100]"],
  ["arMedium", "AR @[IoU=0.50:0.95 | area=medium | maxDets=100]"],
  ["arLarge", "AR @[IoU=0.50:0.95 | area=large | maxDets=100]"],
];

/** A slice's column: its numbers once they came, or why they did not. */
export interface SliceCoco {
  overall: Overall | undefined;
  error: string | null;
}

/** pycocotools' 12 numbers of the evaluation; with a slice, the slice's beside them. */
export function CocoSummary({ overall, slice }: { overall: Overall; slice?: SliceCoco }) {
  return (
    <div className="panel">
      <h2>COCO summary</h2>
      {slice?.error && <ErrorNote error={slice.error} />}
      {slice && !slice.error && !slice.overall && <Loading what="the slice's COCO metrics" />}
      <table className="data compact" data-testid="coco-summary">
        {slice && (
          <thead>
            <tr>
              <th />
              <th className="num">slice</th>
              <th className="num">whole</th>
            </tr>
          </thead>
        )}
        <tbody>
          {ROWS.map(([key, label]) => (
            <tr key={key}>
              <td>{label}</td>
              {slice && (
                <td className="num" data-slice-stat={key}>
                  {slice.overall ? cocoStat(slice.overall[key]) : "…"}
                </td>
              )}
              <td className={slice ? "num muted" : "num"} data-stat={key}>
                {cocoStat(overall[key])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
