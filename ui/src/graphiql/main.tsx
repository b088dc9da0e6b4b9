import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { StrictMode, useState, type SubmitEvent } from "react";
import { createRoot } from "react-dom/client";
import { clearKey, getKey, setKey } from "../api/key";
import "./graphiql.css";

const DEFAULT_QUERY = `# Your datasets and models. Ctrl-Enter runs the query.
{
  datasets(first: 5) {
    edges { node { id name itemCount annotationCount labels } }
  }
  models(first: 5) { edges { node { id name referenceId } } }
}
`;

function fetcherFor(key: string) {
  const origin = window.location.origin;
  return createGraphiQLFetcher({
    url: `${origin}/graphql`,
    subscriptionUrl: `${origin.replace(/^http/, "ws")}/graphql`,
    headers: { Authorization: `Bearer ${key}` },
    wsConnectionParams: { Authorization: `Bearer ${key}` },
  });
}

/** GraphiQL with the key of the web UI (sessionStorage), so the schema loads at once. */
function Page() {
  const [key, setCurrentKey] = useState(getKey());
  const [draft, setDraft] = useState("");
  if (key === null) {
    const submit = (event: SubmitEvent) => {
      event.preventDefault();
      if (draft.trim() === "") return;
      setKey(draft.trim());
      setCurrentKey(draft.trim());
    };
    return (
      <form className="key-form" onSubmit={submit} aria-label="API key">
        <h1>matchscope · GraphiQL</h1>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          autoFocus
          value={draft}
          onChange={(event) => {
            setDraft(event.target.value);
          }}
          placeholder="ms_…"
        />
        <button type="submit">Open GraphiQL</button>
      </form>
    );
  }
  return (
    <GraphiQL fetcher={fetcherFor(key)} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false}>
      <GraphiQL.Logo>
        <a href="/">matchscope</a>{" "}
        <button
          type="button"
          className="forget"
          onClick={() => {
            clearKey();
            setCurrentKey(null);
          }}
        >
          forget key
        </button>
      </GraphiQL.Logo>
    </GraphiQL>
  );
}

const root = document.getElementById("graphiql");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <Page />
    </StrictMode>,
  );
}
