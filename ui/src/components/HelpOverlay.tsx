const KEYS: [string, string][] = [
  ["j", "next entry"],
  ["k", "previous entry"],
  ["Enter", "open the selected entry's item"],
  ["Esc", "close the item or this help"],
  ["?", "show or hide this help"],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay" role="dialog" aria-label="keyboard shortcuts" data-testid="help" onClick={onClose}>
      <div className="dialog small">
        <h2>Keyboard</h2>
        <table className="data compact">
          <tbody>
            {KEYS.map(([key, what]) => (
              <tr key={key}>
                <td>
                  <kbd>{key}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
