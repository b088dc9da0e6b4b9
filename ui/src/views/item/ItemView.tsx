import { EvaluationHeaderQuery } from "../../api/operations";
import { ErrorNote, Loading } from "../../components/Status";
import { useThresholds } from "../../components/Thresholds";
import { useQuery } from "../../hooks";
import { Link, path } from "../../router";
import { entriesLink } from "../evaluation/links";
import { ItemDetail } from "./ItemDetail";

export function ItemView({ evaluationId, itemId }: { evaluationId: string; itemId: string }) {
  const thresholds = useThresholds();
  const header = useQuery(EvaluationHeaderQuery, { id: evaluationId });
  if (header.error) return <ErrorNote error={header.error} />;
  const evaluation = header.data?.node;
  if (!evaluation || !("model" in evaluation)) return header.data ? <ErrorNote error="No such evaluation." /> : <Loading what="the item" />;
  return (
    <section>
      <p>
        <Link to={`${path.evaluation(evaluationId)}?iou=${thresholds.iou}&conf=${thresholds.confidence}`}>← evaluation</Link>
        {" · "}
        <Link to={entriesLink(evaluationId, thresholds, { item: itemId })}>this item's entries in the gallery</Link>
      </p>
      <ItemDetail evaluationId={evaluationId} itemId={itemId} modelId={evaluation.model.id} thresholds={thresholds} />
    </section>
  );
}
