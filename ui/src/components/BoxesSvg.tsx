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

/** The extent a label is given when it is placed (its text as wide as CHARACTER_WIDTH says: never narrower). */
interface Extent {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

// Baselines: the text spans [y - fontSize, y + fontSize / 4] or so; the extents reserve a little more.
const ASCENT = 1.0;
const DESCENT = 0.3;
// Labels this many or fewer are kept apart whatever it takes (a tile's two or three); in a view of many boxes each
// tries its few places near its box and keeps the first if none is free.
const ALWAYS_APART = 24;
const SHRINK = 0.8;

function extent(place: LabelPlace, text: string): Extent {
  const width = text.length * place.fontSize * CHARACTER_WIDTH;
  const left = place.anchor === "start" ? place.x : place.x - width;
  return { left, right: left + width, top: place.y - ASCENT * place.fontSize, bottom: place.y + DESCENT * place.fontSize };
}

function apart(a: Extent, b: Extent): boolean {
  return a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
}

/**
 * The places a box's label may go, best first: a prediction's above its box, any other's below, starting at its left
 * edge; then the box's other side, then inside its top and bottom edges; with `rows`, then every line of the window
 * from the top. Inside the shown window whatever the box's place: a label that would run past the right side ends at
 * the box's right edge (or the window's) instead; one that would run past the top or bottom goes to the box's other
 * side, or inside; one wider than the window (a zoomed tile) is set smaller.
 */
function labelPlaces(
  box: DrawnBox,
  text: string,
  largest: number,
  shown: Window,
  rows: boolean,
): [LabelPlace, ...LabelPlace[]] {
  const fontSize = Math.min(largest, shown.width / Math.max(1, text.length * CHARACTER_WIDTH));
  const textWidth = text.length * fontSize * CHARACTER_WIDTH;
  const left = shown.x;
  const right = shown.x + shown.width;
  const starts: { x: number; anchor: LabelPlace["anchor"] }[] = [];
  if (Math.max(left, box.x) + textWidth <= right) starts.push({ x: Math.max(left, box.x), anchor: "start" });
  if (Math.min(right, box.x + box.width) - textWidth >= left) {
    starts.push({ x: Math.min(right, box.x + box.width), anchor: "end" });
  }
  const [first = { x: left, anchor: "start" }, ...others] = starts;
  const top = shown.y + ASCENT * fontSize;
  const bottom = shown.y + shown.height - DESCENT * fontSize;
  const above = box.y - 0.25 * fontSize;
  const below = box.y + box.height + fontSize;
  const clamp = (y: number) => Math.min(Math.max(y, top), bottom);
  const [near, far] = box.side === "prediction" ? [above, below] : [below, above];
  // The preferred side when it fits, else the other side when that fits, else the nearer edge of the window.
  const best = near >= top && near <= bottom ? near : far >= top && far <= bottom ? far : clamp(near);
  const ys = [far, near].filter((y) => y >= top && y <= bottom);
  ys.push(clamp(box.y + fontSize), clamp(box.y + box.height - 0.25 * fontSize));
  if (rows) {
    const line = (ASCENT + DESCENT) * fontSize * 1.05;
    for (let y = top; y <= bottom + 1e-9; y += line) ys.push(y);
  }
  const rest = [...others.map((start) => ({ ...start, y: best, fontSize }))];
  for (const y of ys) rest.push(...[first, ...others].map((start) => ({ ...start, y, fontSize })));
  return [{ ...first, y: best, fontSize }, ...rest];
}

/**
 * Where each box's label goes (`labelPlaces`' first place that no earlier label's extent meets), so that no two
 * labels overlap; when none is free, the labels are set smaller and placed again (down to a third of the size).
 */
export function placeLabels(labelled: { box: DrawnBox; text: string }[], largest: number, shown: Window): LabelPlace[] {
  const rows = labelled.length <= ALWAYS_APART;
  let fontSize = largest;
  for (let attempt = 0; ; attempt += 1) {
    const placed: LabelPlace[] = [];
    const taken: Extent[] = [];
    let crowded = false;
    for (const { box, text } of labelled) {
      const places = labelPlaces(box, text, fontSize, shown, rows);
      const free = places.find((place) => taken.every((other) => apart(extent(place, text), other)));
      if (free === undefined) crowded = true;
      const place = free ?? places[0];
      placed.push(place);
      taken.push(extent(place, text));
    }
    if (!crowded || !rows || attempt >= 5) return placed;
    fontSize *= SHRINK;
  }
}

function Label({ box, place, colour }: { box: DrawnBox; place: LabelPlace; colour: string }) {
  return (
    <text x={place.x} y={place.y} textAnchor={place.anchor} fontSize={place.fontSize} fill={colour} className="box-label">
      {box.caption ?? box.label}
    </text>
  );
}

/** Boxes in image pixel coordinates: the viewBox is the item's own width and height. */
export function BoxesSvg({ item, imageUrl, boxes, showLabels = true, className, labelSize = 1 / 24, window: view }: Props) {
  const { width, height } = canvasSize(item, boxes);
  const shown = view ?? { x: 0, y: 0, width, height };
  const source = useImage(imageUrl);
  const fontSize = Math.max(shown.width, shown.height) * labelSize;
  const labelled = showLabels ? boxes.filter((box) => box.caption !== "") : [];
  const places = new Map(
    placeLabels(
      labelled.map((box) => ({ box, text: box.caption ?? box.label })),
      fontSize,
      shown,
    ).map((place, index) => [labelled[index], place]),
  );
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
        const place = places.get(box);
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
            {place && <Label box={box} place={place} colour={colour} />}
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
