import type { EvaluationQuery, MetricsQuery, PrCurvesQuery } from "../../gql/graphql";

export type EvaluationDetails = Extract<NonNullable<EvaluationQuery["node"]>, { __typename: "Evaluation" }>;
export type Metrics = Extract<NonNullable<MetricsQuery["node"]>, { metrics: unknown }>["metrics"];
export type Counts = Metrics["overall"];
export type PrCurves = Extract<NonNullable<PrCurvesQuery["node"]>, { coco: unknown }>["coco"]["prCurves"];
