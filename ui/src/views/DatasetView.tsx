import { useImage } from "../api/images";
import { DatasetQuery } from "../api/operations";
import { ErrorNote, Loading } from "../components/Status";
import { when } from "../format";
import { useQuery } from "../hooks";
import { Link, useSearchParams, withParams } from "../router";
import { EvaluateForm } from "./EvaluateForm";
import { EvaluationHistory } from "./EvaluationHistory";
import { ModelEvaluation } from "./ModelEvaluation";

const ITEMS_PER_PAGE = 25;

function Thumbnail({ url }: { url: string | null }) {
  const source = useImage(url);
  return source ? <img className="thumb" src={source} alt="" /> : <span className="muted">—</span>;
}

export function DatasetView({ datasetId }: { datasetId: string }) {
  const params = useSearchParams();
  const itemsAfter = params.get("itemsAfter");
  const { data, error } = useQuery(DatasetQuery, { id: datasetId, itemsFirst: ITEMS_PER_PAGE, itemsAfter });
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the dataset" />;
  const dataset = data.dataset;
  if (!dataset) return <ErrorNote error={`No dataset ${datasetId} is visible with this key.`} />;
  const models = data.models.edges.map((edge) => edge.node);
  const items = dataset.items;
  return (
    <section>
      <h1>{dataset.name}</h1>
      <p className="muted">
        {dataset.itemCount} items · {dataset.annotationCount} ground-truth boxes · {dataset.labels.length} labels ·
        created {when(dataset.createdAt)}
      </p>

      <h2>Models and their evaluations</h2>
      {models.length === 0 ? (
        <p className="muted">No model yet.</p>
      ) : (
        <table className="data" data-testid="models">
          <thead>
            <tr>
              <th>model</th>
              <th>current evaluation</th>
              <th>matching</th>
              <th className="num">precision</th>
              <th className="num">recall</th>
              <th className="num">F1</th>
              <th className="num">COCO AP</th>
              <th className="num">AP50</th>
              <th>computed</th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <ModelEvaluation key={model.id} datasetId={dataset.id} model={model} />
            ))}
          </tbody>
        </table>
      )}

      <h2>Evaluation history</h2>
      <EvaluationHistory datasetId={dataset.id} />

      <EvaluateForm datasetId={dataset.id} labels={dataset.labels} models={models} />

      <h2>Items</h2>
      <table className="data" data-testid="items">
        <thead>
          <tr>
            <th>image</th>
            <th>reference id</th>
            <th className="num">width</th>
            <th className="num">height</th>
            <th>location</th>
          </tr>
        </thead>
        <tbody>
          {items.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>
                <Thumbnail url={node.thumbnailUrl} />
              </td>
              <td>{node.referenceId}</td>
              <td className="num">{node.width ?? "—"}</td>
              <td className="num">{node.height ?? "—"}</td>
              <td className="muted">{node.imageLocation ?? "none"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager">
        <span className="muted">{items.totalCount} items</span>
        {itemsAfter && <Link to={withParams({ itemsAfter: null })}>first page</Link>}
        {items.pageInfo.hasNextPage && items.pageInfo.endCursor && (
          <Link to={withParams({ itemsAfter: items.pageInfo.endCursor })}>next page →</Link>
        )}
      </nav>
    </section>
  );
}
