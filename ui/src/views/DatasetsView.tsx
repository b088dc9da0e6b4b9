import { DatasetsQuery } from "../api/operations";
import { ErrorNote, Loading } from "../components/Status";
import { when } from "../format";
import { useQuery } from "../hooks";
import { Link, path } from "../router";

export function DatasetsView() {
  const { data, error } = useQuery(DatasetsQuery, { first: 100 });
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="datasets" />;
  const datasets = data.datasets.edges.map((edge) => edge.node);
  return (
    <section>
      <h1>Datasets</h1>
      {datasets.length === 0 ? (
        <p className="muted">
          No dataset yet: load one with <code>matchscope import-coco</code> or start the server with{" "}
          <code>--demo</code>.
        </p>
      ) : (
        <table className="data" data-testid="datasets">
          <thead>
            <tr>
              <th>name</th>
              <th className="num">items</th>
              <th className="num">annotations</th>
              <th className="num">labels</th>
              <th>created</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => (
              <tr key={dataset.id}>
                <td>
                  <Link to={path.dataset(dataset.id)}>{dataset.name}</Link>
                </td>
                <td className="num">{dataset.itemCount}</td>
                <td className="num">{dataset.annotationCount}</td>
                <td className="num" title={dataset.labels.join(", ")}>
                  {dataset.labels.length}
                </td>
                <td>{when(dataset.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
