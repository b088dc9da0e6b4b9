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

export function CocoSummary({ overall }: { overall: Overall }) {
  return (
    <div className="panel">
      <h2>COCO summary</h2>
      <table className="data compact" data-testid="coco-summary">
        <tbody>
          {ROWS.map(([key, label]) => (
            <tr key={key}>
              <td>{label}</td>
              <td className="num" data-stat={key}>
                {cocoStat(overall[key])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
