import { BoxesSvg, canvasSize, windowAround, type DrawnBox } from "../../components/BoxesSvg";
import type { Thresholds } from "../../components/Thresholds";
import { fixed } from "../../format";
import { Link, path } from "../../router";
import { OUTCOME_SHORT } from "../gallery/filters";
import type { FlipNode } from "./types";

type Side = FlipNode["base"];

function predictionBox(side: Side, drawnAs: DrawnBox["side"]): DrawnBox[] {
  const prediction = side.prediction;
  if (!prediction) return [];
  const confidence = prediction.confidence === null ? "" : ` ${prediction.confidence.toFixed(2)}`;
  return [{ ...prediction, side: drawnAs, caption: `${prediction.label}${confidence}` }];
}

function SideCaption({ name, side }: { name: string; side: Side }) {
  return (
    <span data-testid={`flip-${name}`} data-outcome={side.outcome}>
      {name}: <span className={`badge ${side.outcome}`}>{OUTCOME_SHORT[side.outcome]}</span> IoU {fixed(side.iou, 2)}
    </span>
  );
}

/** One ground truth that one evaluation finds and the other misses: its box and both sides' predictions. */
interface Props {
  flip: FlipNode;
  otherId: string;
  thresholds: Thresholds;
  zoom: boolean;
}

export function FlipTile({ flip, otherId, thresholds, zoom }: Props) {
  const boxes: DrawnBox[] = [
    { ...flip.groundTruth, side: "groundTruth" },
    ...predictionBox(flip.base, "base"),
    ...predictionBox(flip.other, "prediction"),
  ];
  const itemLink = `${path.item(otherId, flip.item.id)}?iou=${thresholds.iou}&conf=${thresholds.confidence}`;
  return (
    <article
      className="tile"
      data-testid="flip"
      data-kind={flip.kind}
      data-ground-truth-id={flip.groundTruth.id}
      data-annotation-id={flip.groundTruth.annotationId}
    >
      <Link to={itemLink} title="the item in the other evaluation">
        <BoxesSvg
          item={flip.item}
          imageUrl={zoom ? flip.item.imageUrl : flip.item.thumbnailUrl}
          boxes={boxes}
          showLabels={false}
          window={zoom ? windowAround(boxes, canvasSize(flip.item, boxes)) : null}
        />
      </Link>
      <div className="caption">
        <span className={`badge flip ${flip.kind}`}>{flip.kind === "FIXED" ? "fixed" : "broken"}</span>
        <span>{flip.groundTruth.label}</span>
        <SideCaption name="base" side={flip.base} />
        <SideCaption name="other" side={flip.other} />
        <span className="muted ref">{flip.item.referenceId}</span>
      </div>
    </article>
  );
}
