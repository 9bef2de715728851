/** A labelled text input whose id doubles as its test id. */
export function TextInput({
  id,
  label,
  value,
  onChange,
  readOnly,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  readOnly?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        readOnly={readOnly}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

/** A labelled select over `[value, label]` choices, optionally with an empty "—" first choice. */
export function SelectInput({
  id,
  label,
  value,
  onChange,
  choices,
  empty,
}: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  choices: [string, string][];
  empty?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {empty && <option value="">—</option>}
        {choices.map(([choice, text]) => (
          <option key={choice} value={choice}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
