import { fixed } from "../../format";
import type { Counts } from "./types";

export function Overall({ counts }: { counts: Counts }) {
  const cells: [string, string, string][] = [
    ["tp", "true positives", String(counts.truePositives)],
    ["fp", "false positives", String(counts.falsePositives)],
    ["fn", "false negatives", String(counts.falseNegatives)],
    ["precision", "precision", fixed(counts.precision)],
    ["recall", "recall", fixed(counts.recall)],
    ["f1", "F1", fixed(counts.f1)],
  ];
  return (
    <div className="stat-row" data-testid="overall">
      {cells.map(([key, label, value]) => (
        <div className="stat" key={key}>
          <div className="value" data-testid={`overall-${key}`}>
            {value}
          </div>
          <div className="label">{label}</div>
        </div>
      ))}
    </div>
  );
}
