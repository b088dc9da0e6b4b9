import type { EvaluationQuery, MetricsQuery } from "../../gql/graphql";

export type EvaluationDetails = Extract<NonNullable<EvaluationQuery["node"]>, { __typename: "Evaluation" }>;
export type Metrics = Extract<NonNullable<MetricsQuery["node"]>, { metrics: unknown }>["metrics"];
export type Counts = Metrics["overall"];
