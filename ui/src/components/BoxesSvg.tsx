import { BASE_COLOUR, GROUND_TRUTH_COLOUR, NEAREST_COLOUR, PREDICTION_COLOUR } from "../palette";
import { useImage } from "../api/images";

export interface DrawnBox {
  id: string;
  /**
   * `nearest`: a false positive's nearest ground truth (any label; it may be its pair's own, drawn once more);
   * `base`: the base evaluation's prediction on the compare page.
   */
  side: "groundTruth" | "prediction" | "nearest" | "base";
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The text beside the box (the label when absent; none when empty). */
  caption?: string;
  highlighted?: boolean;
}

interface Size {
  width: number | null | undefined;
  height: number | null | undefined;
}

/** The item's size, or (no size stored) the extent of its boxes. */
export function canvasSize(item: Size, boxes: DrawnBox[]): { width: number; height: number } {
  const width = item.width ?? Math.max(1, ...boxes.map((box) => box.x + box.width));
  const height = item.height ?? Math.max(1, ...boxes.map((box) => box.y + box.height));
  return { width, height };
}

interface Props {
  item: Size;
  imageUrl: string | null | undefined;
  boxes: DrawnBox[];
  showLabels?: boolean;
  className?: string;
  /** Label height as a fraction of the item's longer side. */
  labelSize?: number;
  /** Show only this window of the image (still in image pixels): a zoom on small boxes. */
  window?: Window | null;
}

export interface Window {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A window around the boxes, `margin` times their extent on each side and at least `minimum` pixels, inside the image. */
export function windowAround(boxes: DrawnBox[], image: { width: number; height: number }, margin = 0.5, minimum = 96): Window {
  const left = Math.min(...boxes.map((box) => box.x));
  const top = Math.min(...boxes.map((box) => box.y));
  const right = Math.max(...boxes.map((box) => box.x + box.width));
  const bottom = Math.max(...boxes.map((box) => box.y + box.height));
  const width = Math.min(image.width, Math.max(minimum, (right - left) * (1 + 2 * margin)));
  const height = Math.min(image.height, Math.max(minimum, (bottom - top) * (1 + 2 * margin)));
  const x = Math.min(Math.max(0, (left + right) / 2 - width / 2), Math.max(0, image.width - width));
  const y = Math.min(Math.max(0, (top + bottom) / 2 - height / 2), Math.max(0, image.height - height));
  return { x, y, width, height };
}

const STROKES: Record<DrawnBox["side"], { colour: string; dashes: string | undefined }> = {
  groundTruth: { colour: GROUND_TRUTH_COLOUR, dashes: undefined },
  prediction: { colour: PREDICTION_COLOUR, dashes: "6 3" },
  nearest: { colour: NEAREST_COLOUR, dashes: "2 2" },
  base: { colour: BASE_COLOUR, dashes: "6 3" },
};

// A generous width of one character of the labels' bold system-ui face, in font sizes: labels are placed from it
// before they are drawn (measuring each would take a second render).
const CHARACTER_WIDTH = 0.62;

interface LabelPlace {
  x: number;
  y: number;
  anchor: "start" | "end";
  fontSize: number;
}

/**
 * Where a box's label goes: a prediction's above its box, any other's below, starting at its left edge; inside the
 * shown window whatever the box's place. A label that would run past the right side ends at the box's right edge
 * (or the window's) instead; one that would run past the top or bottom goes to the box's other side, or inside; one
 * wider than the window (a zoomed tile) is set smaller.
 */
export function labelPlace(box: DrawnBox, text: string, largest: number, shown: Window): LabelPlace {
  const fontSize = Math.min(largest, shown.width / Math.max(1, text.length * CHARACTER_WIDTH));
  const textWidth = text.length * fontSize * CHARACTER_WIDTH;
  const left = shown.x;
  const right = shown.x + shown.width;
  let x = Math.max(left, box.x);
  let anchor: LabelPlace["anchor"] = "start";
  if (x + textWidth > right) {
    x = Math.min(right, box.x + box.width);
    anchor = "end";
    if (x - textWidth < left) {
      x = left;
      anchor = "start";
    }
  }
  // Baselines: the text spans [y - fontSize, y + fontSize / 4] or so.
  const top = shown.y + fontSize;
  const bottom = shown.y + shown.height - fontSize * 0.25;
  const above = box.y - fontSize * 0.25;
  const below = box.y + box.height + fontSize;
  let y = box.side === "prediction" ? above : below;
  if (y < top) y = below <= bottom ? below : top;
  if (y > bottom) y = above >= top ? above : bottom;
  return { x, y: Math.min(Math.max(y, top), bottom), anchor, fontSize };
}

function Label({ box, fontSize, colour, shown }: { box: DrawnBox; fontSize: number; colour: string; shown: Window }) {
  const text = box.caption ?? box.label;
  const place = labelPlace(box, text, fontSize, shown);
  return (
    <text x={place.x} y={place.y} textAnchor={place.anchor} fontSize={place.fontSize} fill={colour} className="box-label">
      {text}
    </text>
  );
}

/** Boxes in image pixel coordinates: the viewBox is the item's own width and height. */
export function BoxesSvg({ item, imageUrl, boxes, showLabels = true, className, labelSize = 1 / 24, window: view }: Props) {
  const { width, height } = canvasSize(item, boxes);
  const shown = view ?? { x: 0, y: 0, width, height };
  const source = useImage(imageUrl);
  const fontSize = Math.max(shown.width, shown.height) * labelSize;
  return (
    <svg
      className={`boxes ${className ?? ""}`}
      viewBox={`${shown.x} ${shown.y} ${shown.width} ${shown.height}`}
      preserveAspectRatio="xMidYMid meet"
      data-width={width}
      data-height={height}
      role="img"
    >
      {source ? (
        <image href={source} x={0} y={0} width={width} height={height} preserveAspectRatio="none" />
      ) : (
        <rect className="blank" x={0} y={0} width={width} height={height} data-testid="blank-canvas" />
      )}
      {boxes.map((box) => {
        const { colour, dashes } = STROKES[box.side];
        return (
          <g key={`${box.side}-${box.id}`} className={box.highlighted ? "highlighted" : ""}>
            <rect
              data-side={box.side}
              data-box-id={box.id}
              x={box.x}
              y={box.y}
              width={box.width}
              height={box.height}
              fill="none"
              stroke={colour}
              strokeWidth={box.highlighted ? 4 : 2}
              strokeDasharray={dashes}
              vectorEffect="non-scaling-stroke"
            >
              <title>{box.caption === undefined || box.caption === "" ? box.label : box.caption}</title>
            </rect>
            {showLabels && box.caption !== "" && <Label box={box} fontSize={fontSize} colour={colour} shown={shown} />}
          </g>
        );
      })}
    </svg>
  );
}

export function BoxLegend({ nearest = false }: { nearest?: boolean }) {
  return (
    <span className="legend" data-testid="legend">
      <span className="swatch" style={{ borderColor: GROUND_TRUTH_COLOUR }} /> ground truth
      <span className="swatch dashed" style={{ borderColor: PREDICTION_COLOUR }} /> prediction
      {nearest && (
        <>
          <span className="swatch dotted" style={{ borderColor: NEAREST_COLOUR }} /> nearest ground truth (FP)
        </>
      )}
    </span>
  );
}
