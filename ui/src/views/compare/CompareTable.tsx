import { fixed } from "../../format";
import type { ClassRow } from "./types";

type Side = ClassRow["base"];
type Delta = ClassRow["delta"];

interface Column {
  key: keyof Delta;
  title: string;
  read: (side: Side) => number | null;
  /** Counts are whole numbers; scores have three decimals. */
  integer: boolean;
  /** More is better (TP, P, R, F1, AP) or worse (FP, FN). */
  higherIsBetter: boolean;
}

const COLUMNS: Column[] = [
  { key: "truePositives", title: "TP", read: (side) => side.counts.truePositives, integer: true, higherIsBetter: true },
  { key: "falsePositives", title: "FP", read: (side) => side.counts.falsePositives, integer: true, higherIsBetter: false },
  { key: "falseNegatives", title: "FN", read: (side) => side.counts.falseNegatives, integer: true, higherIsBetter: false },
  { key: "precision", title: "precision", read: (side) => side.counts.precision, integer: false, higherIsBetter: true },
  { key: "recall", title: "recall", read: (side) => side.counts.recall, integer: false, higherIsBetter: true },
  { key: "f1", title: "F1", read: (side) => side.counts.f1, integer: false, higherIsBetter: true },
  { key: "ap", title: "AP", read: (side) => side.ap ?? null, integer: false, higherIsBetter: true },
  { key: "ap50", title: "AP50", read: (side) => side.ap50 ?? null, integer: false, higherIsBetter: true },
];

function value(number: number | null, integer: boolean): string {
  if (number === null) return "n/a";
  return integer ? String(number) : fixed(number);
}

function DeltaCell({ delta, column }: { delta: number | null | undefined; column: Column }) {
  if (delta === null || delta === undefined) return <td className="num delta muted">n/a</td>;
  const better = delta !== 0 && delta > 0 === column.higherIsBetter;
  const text = column.integer ? String(delta) : delta.toFixed(3);
  return (
    <td className={`num delta ${delta === 0 ? "same" : better ? "better" : "worse"}`} data-col={`${column.key}-delta`}>
      {delta > 0 ? `+${text}` : text}
    </td>
  );
}

/** Per class (overall first), both sides and other − base, as the API computes them. */
export function CompareTable({ rows }: { rows: ClassRow[] }) {
  return (
    <div className="panel wide">
      <h2>Per class: base · other · Δ (other − base)</h2>
      <div className="scroll-x">
        <table className="data compact compare" data-testid="compare-table">
          <thead>
            <tr>
              <th rowSpan={2}>class</th>
              <th rowSpan={2} className="num">GT</th>
              {COLUMNS.map((column) => (
                <th key={column.key} colSpan={3} className="group">
                  {column.title}
                </th>
              ))}
            </tr>
            <tr>
              {COLUMNS.map((column) => [
                <th key={`${column.key}-b`} className="num">base</th>,
                <th key={`${column.key}-o`} className="num">other</th>,
                <th key={`${column.key}-d`} className="num">Δ</th>,
              ])}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label ?? ""} data-label={row.label ?? ""} className={row.label === null ? "overall" : ""}>
                <td>{row.label ?? "all classes"}</td>
                <td className="num">{row.base.groundTruthCount}</td>
                {COLUMNS.map((column) => [
                  <td key={`${column.key}-b`} className="num" data-col={`${column.key}-base`}>
                    {value(column.read(row.base), column.integer)}
                  </td>,
                  <td key={`${column.key}-o`} className="num" data-col={`${column.key}-other`}>
                    {value(column.read(row.other), column.integer)}
                  </td>,
                  <DeltaCell key={`${column.key}-d`} delta={row.delta[column.key]} column={column} />,
                ])}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">TP/FP/FN and P/R/F1 at the thresholds above; AP and AP50 are each side's stored COCO numbers.</p>
    </div>
  );
}
