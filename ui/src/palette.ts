// Distinct colours for classes (Tableau 20's strong half plus a few).
export const CLASS_COLOURS = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a",
];

export function classColour(index: number): string {
  return CLASS_COLOURS[index % CLASS_COLOURS.length] ?? "#444";
}

export const GROUND_TRUTH_COLOUR = "#10b981";
export const PREDICTION_COLOUR = "#f43f5e";
export const NEAREST_COLOUR = "#7c3aed";
export const BASE_COLOUR = "#2563eb";

// TIDE's error types, one hue each (the bars and their badges).
export const ERROR_TYPE_COLOURS = {
  CLASSIFICATION: "#e11d48",
  LOCALIZATION: "#2563eb",
  BOTH: "#7c3aed",
  DUPLICATE: "#0891b2",
  BACKGROUND: "#ea580c",
  MISSED: "#65a30d",
} as const;
