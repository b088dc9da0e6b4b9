import { useState, type SubmitEvent } from "react";
import { setKey } from "../api/key";

export function KeyPrompt({ message, onKey }: { message: string | null; onKey: () => void }) {
  const [value, setValue] = useState("");
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const key = value.trim();
    if (key === "") return;
    setKey(key);
    onKey();
  };
  return (
    <main className="key-prompt">
      <h1>matchscope</h1>
      <form onSubmit={submit} aria-label="API key">
        <label htmlFor="api-key">API key</label>
        <p className="muted">
          Paste the key that <code>matchscope serve</code> printed (or one from <code>matchscope keys create</code>).
          It is kept in this tab only (sessionStorage) and sent as <code>Authorization: Bearer</code>.
        </p>
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          autoFocus
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
          }}
          placeholder="ms_…"
        />
        <button type="submit">Continue</button>
      </form>
    </main>
  );
}
