import { BoxesSvg, canvasSize, windowAround, type DrawnBox } from "../../components/BoxesSvg";
import { fixed } from "../../format";
import { ErrorTypeBadge } from "./ErrorTypeBadge";
import { OUTCOME_SHORT } from "./filters";
import { ReviewBadge } from "./ReviewBadge";
import type { Entry } from "./usePagedMatches";
import type { ShownReview } from "./useReviews";

export function entryBoxes(entry: Entry): DrawnBox[] {
  const boxes: DrawnBox[] = [];
  const nearest = entry.nearestGroundTruth;
  // A nearest ground truth that is the pair's own is drawn twice; its one label says both.
  const ownIsNearest = nearest !== null && nearest.groundTruth.id === entry.groundTruth?.id;
  if (entry.groundTruth) boxes.push({ ...entry.groundTruth, side: "groundTruth", caption: ownIsNearest ? "" : undefined });
  if (nearest) {
    boxes.push({
      ...nearest.groundTruth,
      side: "nearest",
      caption: `nearest ${nearest.groundTruth.label} IoU ${nearest.iou.toFixed(2)}`,
    });
  }
  if (entry.prediction) {
    const confidence = entry.prediction.confidence;
    boxes.push({
      ...entry.prediction,
      side: "prediction",
      caption: confidence === null ? entry.prediction.label : `${entry.prediction.label} ${confidence.toFixed(2)}`,
    });
  }
  return boxes;
}

interface Props {
  entry: Entry;
  review: ShownReview | null;
  selected: boolean;
  index: number;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
  zoom: boolean;
}

export function Tile({ entry, review, selected, index, onSelect, onOpen, zoom }: Props) {
  const boxes = entryBoxes(entry);
  return (
    <article
      className={`tile ${selected ? "selected" : ""}`}
      data-testid="tile"
      data-entry-id={entry.id}
      data-item-id={entry.item.id}
      data-outcome={entry.outcome}
      aria-selected={selected}
      onClick={() => {
        onSelect(index);
      }}
      onDoubleClick={() => {
        onOpen(index);
      }}
    >
      <BoxesSvg
        item={entry.item}
        imageUrl={zoom ? entry.item.imageUrl : entry.item.thumbnailUrl}
        boxes={boxes}
        window={zoom && boxes.length > 0 ? windowAround(boxes, canvasSize(entry.item, boxes)) : null}
      />
      <div className="caption">
        <span className={`badge ${entry.outcome}`}>{OUTCOME_SHORT[entry.outcome]}</span>
        {entry.errorType && <ErrorTypeBadge type={entry.errorType} />}
        <span title="ground truth → prediction">
          {entry.groundTruthLabel ?? "∅"} → {entry.predictionLabel ?? "∅"}
        </span>
        <span className="num" data-testid="tile-iou">IoU {fixed(entry.iou, 3)}</span>
        <span className="num">conf {fixed(entry.confidence, 2)}</span>
        {entry.nearestGroundTruth && (
          <span className="num" data-testid="tile-nearest" title="the ground truth of highest IoU with the prediction, any label">
            nearest {entry.nearestGroundTruth.groundTruth.label} {fixed(entry.nearestGroundTruth.iou, 2)}
          </span>
        )}
        <ReviewBadge review={review} />
        <span className="muted ref">{entry.item.referenceId}</span>
      </div>
    </article>
  );
}
