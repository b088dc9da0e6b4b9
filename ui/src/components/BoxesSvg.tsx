import { GROUND_TRUTH_COLOUR, PREDICTION_COLOUR } from "../palette";
import { useImage } from "../api/images";

export interface DrawnBox {
  id: string;
  side: "groundTruth" | "prediction";
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
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
}

/** Boxes in image pixel coordinates: the viewBox is the item's own width and height. */
export function BoxesSvg({ item, imageUrl, boxes, showLabels = true, className, labelSize = 1 / 24 }: Props) {
  const { width, height } = canvasSize(item, boxes);
  const source = useImage(imageUrl);
  const fontSize = Math.max(width, height) * labelSize;
  return (
    <svg
      className={`boxes ${className ?? ""}`}
      viewBox={`0 0 ${width} ${height}`}
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
        const colour = box.side === "groundTruth" ? GROUND_TRUTH_COLOUR : PREDICTION_COLOUR;
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
              strokeDasharray={box.side === "prediction" ? "6 3" : undefined}
              vectorEffect="non-scaling-stroke"
            >
              <title>{box.caption ?? box.label}</title>
            </rect>
            {showLabels && (
              <text
                x={box.x}
                y={box.side === "groundTruth" ? box.y + box.height + fontSize : Math.max(fontSize, box.y - fontSize * 0.25)}
                fontSize={fontSize}
                fill={colour}
                className="box-label"
              >
                {box.caption ?? box.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export function BoxLegend() {
  return (
    <span className="legend" data-testid="legend">
      <span className="swatch" style={{ borderColor: GROUND_TRUTH_COLOUR }} /> ground truth
      <span className="swatch dashed" style={{ borderColor: PREDICTION_COLOUR }} /> prediction
    </span>
  );
}
