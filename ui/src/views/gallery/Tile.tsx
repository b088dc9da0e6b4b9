import { BoxesSvg, canvasSize, windowAround, type DrawnBox } from "../../components/BoxesSvg";
import { fixed } from "../../format";
import { OUTCOME_SHORT } from "./filters";
import { ReviewBadge } from "./ReviewBadge";
import type { Entry } from "./usePagedMatches";
import type { ShownReview } from "./useReviews";

export function entryBoxes(entry: Entry): DrawnBox[] {
  const boxes: DrawnBox[] = [];
  if (entry.groundTruth) boxes.push({ ...entry.groundTruth, side: "groundTruth" });
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
        <span title="ground truth → prediction">
          {entry.groundTruthLabel ?? "∅"} → {entry.predictionLabel ?? "∅"}
        </span>
        <span className="num" data-testid="tile-iou">IoU {fixed(entry.iou, 3)}</span>
        <span className="num">conf {fixed(entry.confidence, 2)}</span>
        <ReviewBadge review={review} />
        <span className="muted ref">{entry.item.referenceId}</span>
      </div>
    </article>
  );
}
