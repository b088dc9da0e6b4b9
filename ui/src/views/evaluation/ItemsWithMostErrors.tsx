import type { Thresholds } from "../../components/Thresholds";
import { Link, path } from "../../router";
import type { Metrics } from "./types";

interface Props {
  evaluationId: string;
  items: Metrics["itemsWithMostErrors"];
  thresholds: Thresholds;
}

export function ItemsWithMostErrors({ evaluationId, items, thresholds }: Props) {
  const query = `?iou=${thresholds.iou}&conf=${thresholds.confidence}`;
  return (
    <div className="panel">
      <h2>Items with most errors</h2>
      <p className="muted">{items.totalCount} items have at least one error at these thresholds.</p>
      <table className="data compact" data-testid="worst-items">
        <thead>
          <tr>
            <th>item</th>
            <th className="num">FP</th>
            <th className="num">FN</th>
            <th className="num">errors</th>
          </tr>
        </thead>
        <tbody>
          {items.edges.map(({ node }) => (
            <tr key={node.item.id}>
              <td>
                <Link to={`${path.item(evaluationId, node.item.id)}${query}`}>{node.item.referenceId}</Link>
              </td>
              <td className="num">{node.falsePositives}</td>
              <td className="num">{node.falseNegatives}</td>
              <td className="num">{node.errors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
