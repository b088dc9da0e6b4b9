import type { CompareQuery, FlipsQuery } from "../../gql/graphql";

export type Comparison = Extract<CompareQuery["compareEvaluations"], { __typename: "EvaluationComparison" }>;
export type ClassRow = Comparison["metrics"][number];
type FlipConnection = Extract<FlipsQuery["compareEvaluations"], { __typename: "EvaluationComparison" }>["flips"];
export type FlipNode = FlipConnection["edges"][number]["node"];
