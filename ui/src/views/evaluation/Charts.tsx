import { useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { classColour } from "../../palette";
import { PrCurvesQuery } from "../../api/operations";
import { ErrorNote, Loading } from "../../components/Status";
import { useQuery } from "../../hooks";
import type { Metrics, PrCurves as Curves } from "./types";
type Variant = "iou50" | "iou75" | "mean";
const VARIANTS: [Variant, string][] = [
  ["iou50", "IoU 0.50"],
  ["iou75", "IoU 0.75"],
  ["mean", "mean over IoU 0.50:0.95"],
];

function PrCurves({ curves }: { curves: Curves }) {
  const [variant, setVariant] = useState<Variant>("iou50");
  const recall = curves[0]?.recall ?? [];
  // -1 is COCO's "no data": a gap, not a point at -1.
  const points = recall.map((value, index) => {
    const point: Record<string, number | null> = { recall: value };
    for (const curve of curves) {
      const precision = curve[variant][index] ?? -1;
      point[curve.label] = precision < 0 ? null : precision;
    }
    return point;
  });
  return (
    <div className="panel wide" data-testid="pr-curves">
      <h2>Precision–recall curves (COCO, per class)</h2>
      <div className="row">
        {VARIANTS.map(([key, label]) => (
          <label key={key}>
            <input
              type="radio"
              name="pr-variant"
              checked={variant === key}
              onChange={() => {
                setVariant(key);
              }}
            />{" "}
            {label}
          </label>
        ))}
      </div>
      <ResponsiveContainer width="100%" height={320}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="recall" type="number" domain={[0, 1]} tickCount={11} label={{ value: "recall", position: "insideBottom", offset: -8 }} />
          <YAxis domain={[0, 1]} tickCount={6} />
          <Tooltip formatter={(value) => (typeof value === "number" ? value.toFixed(3) : String(value))} />
          <Legend position="top" wrapperStyle={{ paddingBottom: 12 }} />
          {curves.map((curve, index) => (
            <Line
              key={curve.label}
              dataKey={curve.label}
              stroke={classColour(index)}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

type Histogram = Metrics["matchedIouHistogram"];

function bins(histograms: Record<string, Histogram>) {
  const [first] = Object.values(histograms);
  const edges = first?.binEdges ?? [];
  return edges.slice(0, -1).map((edge, index) => {
    const bin: Record<string, number | string> = { bin: `${edge.toFixed(2)}–${(edges[index + 1] ?? edge).toFixed(2)}` };
    for (const [name, histogram] of Object.entries(histograms)) bin[name] = histogram.counts[index] ?? 0;
    return bin;
  });
}

function HistogramChart({ title, series, testId }: { title: string; series: Record<string, Histogram>; testId: string }) {
  const names = Object.keys(series);
  return (
    <div className="panel" data-testid={testId}>
      <h2>{title}</h2>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={bins(series)} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="bin" interval="preserveStartEnd" tick={{ fontSize: 10 }} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          {names.length > 1 && <Legend />}
          {names.map((name, index) => (
            <Bar key={name} dataKey={name} fill={index === 0 ? "#2563eb" : "#dc2626"} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function sameEdges(left: Histogram, right: Histogram): boolean {
  return left.binEdges.length === right.binEdges.length && left.binEdges.every((edge, i) => edge === right.binEdges[i]);
}

/** The curves are threshold-free and the page's largest answer: asked for here, after the first paint. */
function PrCurvesPanel({ evaluationId }: { evaluationId: string }) {
  const { data, error } = useQuery(PrCurvesQuery, { id: evaluationId });
  if (error) return <ErrorNote error={error} />;
  const node = data?.node;
  if (!node || !("coco" in node)) return <Loading what="PR curves" />;
  return <PrCurves curves={node.coco.prCurves} />;
}

export default function Charts({ evaluationId, metrics }: { evaluationId: string; metrics: Metrics }) {
  const tp = metrics.truePositiveConfidenceHistogram;
  const fp = metrics.falsePositiveConfidenceHistogram;
  return (
    <>
      <PrCurvesPanel evaluationId={evaluationId} />
      <div className="grid-2">
        <HistogramChart title="IoU of matched pairs" series={{ pairs: metrics.matchedIouHistogram }} testId="iou-histogram" />
        {sameEdges(tp, fp) ? (
          <HistogramChart title="Confidence" series={{ "true positives": tp, "false positives": fp }} testId="confidence-histogram" />
        ) : (
          <>
            <HistogramChart title="Confidence of true positives" series={{ "true positives": tp }} testId="confidence-histogram" />
            <HistogramChart title="Confidence of false positives" series={{ "false positives": fp }} testId="fp-confidence-histogram" />
          </>
        )}
      </div>
    </>
  );
}
