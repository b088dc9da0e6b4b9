import { useEffect, useState } from "react";
import { parseNumber } from "../format";
import { useDebounced } from "../hooks";
import { navigate, useSearchParams, withParams } from "../router";

export interface Thresholds {
  iou: number;
  confidence: number;
}

const clamp = (value: number) => Math.min(1, Math.max(0, value));

/** The thresholds in the URL (`iou`, `conf`); the API's defaults when absent. */
export function useThresholds(): Thresholds {
  const params = useSearchParams();
  return { iou: clamp(parseNumber(params.get("iou"), 0.5)), confidence: clamp(parseNumber(params.get("conf"), 0)) };
}

export function thresholdParams({ iou, confidence }: Thresholds): string {
  return new URLSearchParams({ iou: String(iou), conf: String(confidence) }).toString();
}

const DEBOUNCE_MS = 250;

/** Sliders (and exact number fields) that write the thresholds to the URL once the user pauses. */
export function ThresholdSliders({ iou, confidence }: Thresholds) {
  const [draft, setDraft] = useState<Thresholds>({ iou, confidence });
  const [seen, setSeen] = useState<Thresholds>({ iou, confidence });
  if (seen.iou !== iou || seen.confidence !== confidence) {
    // The URL changed under us (back button, a link): show its values.
    setSeen({ iou, confidence });
    setDraft({ iou, confidence });
  }
  const settled = useDebounced(draft, DEBOUNCE_MS);
  useEffect(() => {
    if (settled.iou !== iou || settled.confidence !== confidence) {
      navigate(withParams({ iou: settled.iou, conf: settled.confidence }), { replace: true });
    }
    // Only a settled draft writes the URL; the URL's own changes come in through the props.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);

  const field = (name: keyof Thresholds, label: string) => (
    <label className="slider">
      <span>{label}</span>
      <input
        type="range"
        min={0}
        max={1}
        step={0.01}
        aria-label={`${label} slider`}
        data-testid={`${name}-slider`}
        value={draft[name]}
        onChange={(event) => {
          setDraft({ ...draft, [name]: Number(event.target.value) });
        }}
      />
      <input
        type="number"
        min={0}
        max={1}
        step={0.01}
        aria-label={label}
        data-testid={`${name}-input`}
        value={draft[name]}
        onChange={(event) => {
          const value = Number(event.target.value);
          if (event.target.value !== "" && Number.isFinite(value)) setDraft({ ...draft, [name]: clamp(value) });
        }}
      />
    </label>
  );
  return (
    <div className="thresholds" data-testid="thresholds">
      {field("iou", "IoU threshold")}
      {field("confidence", "confidence threshold")}
    </div>
  );
}
