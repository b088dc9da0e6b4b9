import { useEffect, useState } from "react";
import { onUnauthorized } from "./api/client";
import { clearKey, getKey } from "./api/key";
import { Link, matchPath, path, useLocation } from "./router";
import { CompareView } from "./views/compare/CompareView";
import { DatasetsView } from "./views/DatasetsView";
import { DatasetView } from "./views/DatasetView";
import { EvaluationView } from "./views/evaluation/EvaluationView";
import { GalleryView } from "./views/gallery/GalleryView";
import { ItemView } from "./views/item/ItemView";
import { JobView } from "./views/JobView";
import { KeyPrompt } from "./views/KeyPrompt";

function Page({ pathname }: { pathname: string }) {
  if (matchPath("/", pathname)) return <DatasetsView />;
  if (matchPath("/compare", pathname)) return <CompareView />;
  let params: Record<string, string> | null;
  if ((params = matchPath("/datasets/:id", pathname))) return <DatasetView key={params.id} datasetId={params.id ?? ""} />;
  if ((params = matchPath("/jobs/:id", pathname))) return <JobView key={params.id} jobId={params.id ?? ""} />;
  if ((params = matchPath("/evaluations/:id", pathname)))
    return <EvaluationView key={params.id} evaluationId={params.id ?? ""} />;
  if ((params = matchPath("/evaluations/:id/entries", pathname)))
    return <GalleryView key={params.id} evaluationId={params.id ?? ""} />;
  if ((params = matchPath("/evaluations/:id/items/:item", pathname)))
    return <ItemView key={`${params.id ?? ""}/${params.item ?? ""}`} evaluationId={params.id ?? ""} itemId={params.item ?? ""} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing lives at <code>{pathname}</code>. <Link to={path.datasets()}>Datasets</Link>
      </p>
    </section>
  );
}

export function App() {
  const [hasKey, setHasKey] = useState(getKey() !== null);
  const [message, setMessage] = useState<string | null>(null);
  const { pathname } = useLocation();
  useEffect(
    () =>
      onUnauthorized((why) => {
        setMessage(why);
        setHasKey(false);
      }),
    [],
  );
  if (!hasKey)
    return (
      <KeyPrompt
        message={message}
        onKey={() => {
          setMessage(null);
          setHasKey(true);
        }}
      />
    );
  return (
    <>
      <header className="top">
        <Link to={path.datasets()} className="brand">
          matchscope
        </Link>
        <nav>
          <Link to={path.datasets()}>datasets</Link>
          <a href="/graphql">GraphiQL</a>
          <button
            type="button"
            className="link"
            onClick={() => {
              clearKey();
              setHasKey(false);
            }}
          >
            forget key
          </button>
        </nav>
      </header>
      <main>
        <Page pathname={pathname} />
      </main>
    </>
  );
}
