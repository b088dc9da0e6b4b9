import { Overlay } from "./Overlay";

interface Props {
  keys: readonly (readonly [string, string])[];
  onClose: () => void;
}

export function HelpOverlay({ keys, onClose }: Props) {
  return (
    <Overlay label="keyboard shortcuts" testId="help" onClose={onClose} small>
      <h2>Keyboard</h2>
      <table className="data compact">
        <tbody>
          {keys.map(([key, what]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Overlay>
  );
}
