import { useState } from "react";
import { ItemQuery } from "../../api/operations";
import { BoxesSvg, BoxLegend, type DrawnBox } from "../../components/BoxesSvg";
import { ErrorNote, Loading } from "../../components/Status";
import type { Thresholds } from "../../components/Thresholds";
import { fixed } from "../../format";
import { useQuery } from "../../hooks";
import type { ReviewFieldsFragment } from "../../gql/graphql";
import { ErrorTypeBadge } from "../gallery/ErrorTypeBadge";
import { OUTCOME_SHORT } from "../gallery/filters";
import { ReviewBadge } from "../gallery/ReviewBadge";
import type { ShownReview } from "../gallery/useReviews";

interface Props {
  evaluationId: string;
  itemId: string;
  modelId: string;
  thresholds: Thresholds;
  /** The gallery's selected entry: its row and boxes stand out until another row is hovered. */
  selectedEntryId?: string | null;
  /** Reviews as the page shows them (set from it, not yet read back); the item's own answer otherwise. */
  reviewOf?: (entry: { id: string; review?: ReviewFieldsFragment | null }) => ShownReview | null;
}

const storedReview = (entry: { review?: ReviewFieldsFragment | null }): ShownReview | null =>
  entry.review ? { ...entry.review, pending: false } : null;


type Layer = "groundTruth" | "prediction" | "labels";
const LAYERS: [Layer, string][] = [
  ["groundTruth", "ground truth"],
  ["prediction", "predictions"],
  ["labels", "labels"],
];

/** The whole item: every ground-truth box and every prediction of the model, with its entries at the thresholds. */
export function ItemDetail({ evaluationId, itemId, modelId, thresholds, selectedEntryId = null, reviewOf = storedReview }: Props) {
  const { data, error } = useQuery(ItemQuery, {
    itemId,
    modelId,
    evaluationId,
    iou: thresholds.iou,
    confidence: thresholds.confidence,
  });
  const [layers, setLayers] = useState<Record<Layer, boolean>>({ groundTruth: true, prediction: true, labels: true });
  const [hovered, setHovered] = useState<string | null>(null);
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the item" />;
  const item = data.node;
  if (item?.__typename !== "DatasetItem") return <ErrorNote error={`No item ${itemId} is visible with this key.`} />;
  const entry = item.entries.find((candidate) => candidate.id === (hovered ?? selectedEntryId));
  const highlighted = new Set([entry?.groundTruth?.id, entry?.prediction?.id]);
  const boxes: DrawnBox[] = [
    ...(layers.groundTruth
      ? item.annotations.map((box) => ({ ...box, side: "groundTruth" as const, highlighted: highlighted.has(box.id) }))
      : []),
    ...(layers.prediction
      ? item.predictions.map((box) => ({
          ...box,
          side: "prediction" as const,
          caption: box.confidence === null ? box.label : `${box.label} ${box.confidence.toFixed(2)}`,
          highlighted: highlighted.has(box.id),
        }))
      : []),
  ];
  // The selected (or hovered) false positive's nearest ground truth, drawn once more over the item's boxes.
  const nearest = entry?.nearestGroundTruth;
  if (nearest && layers.groundTruth) {
    boxes.push({
      ...nearest.groundTruth,
      side: "nearest",
      caption: `nearest ${nearest.groundTruth.label} IoU ${nearest.iou.toFixed(2)}`,
    });
  }
  return (
    <div className="item-detail" data-testid="item-detail" data-item-id={item.id}>
      <h2>
        {item.referenceId}{" "}
        <span className="muted">
          {item.width ?? "?"}×{item.height ?? "?"} · {item.annotations.length} ground truth · {item.predictions.length} predictions
        </span>
      </h2>
      <div className="row">
        {LAYERS.map(([layer, label]) => (
          <label key={layer}>
            <input
              type="checkbox"
              name={`layer-${layer}`}
              checked={layers[layer]}
              onChange={() => {
                setLayers({ ...layers, [layer]: !layers[layer] });
              }}
            />{" "}
            {label}
          </label>
        ))}
        <BoxLegend nearest />
      </div>
      <div className="detail-body">
        <BoxesSvg className="large" item={item} imageUrl={item.imageUrl} boxes={boxes} showLabels={layers.labels} labelSize={1 / 60} />
        <table className="data compact entries" data-testid="item-entries">
          <thead>
            <tr>
              <th>outcome</th>
              <th>ground truth</th>
              <th>prediction</th>
              <th className="num">IoU</th>
              <th className="num">conf</th>
              <th>review</th>
            </tr>
          </thead>
          <tbody>
            {item.entries.map((row) => (
              <tr
                key={row.id}
                data-entry-id={row.id}
                className={row.id === selectedEntryId ? "selected" : ""}
                onMouseEnter={() => {
                  setHovered(row.id);
                }}
                onMouseLeave={() => {
                  setHovered(null);
                }}
              >
                <td>
                  <div className="outcome-cell">
                    <span className={`badge ${row.outcome}`}>{OUTCOME_SHORT[row.outcome]}</span>
                    {row.errorType && <ErrorTypeBadge type={row.errorType} />}
                  </div>
                </td>
                <td>
                  {row.groundTruthLabel ?? "—"}
                  {row.nearestGroundTruth && (
                    <div className="muted nearest" data-col="nearest" title="the nearest ground truth, any label">
                      nearest {row.nearestGroundTruth.groundTruth.label} {fixed(row.nearestGroundTruth.iou, 2)}
                    </div>
                  )}
                </td>
                <td>{row.predictionLabel ?? "—"}</td>
                <td className="num">{fixed(row.iou)}</td>
                <td className="num">{fixed(row.confidence, 2)}</td>
                <td>
                  <ReviewBadge review={reviewOf(row)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
