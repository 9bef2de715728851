import type { OutputPort } from '@itinera/schemas';
import { stepTypes } from '../graph/node-registry.ts';

export interface StepChoice {
  id: string;
  name: string;
}

const NEW = 'new:';

/**
 * Connects each output port without a mouse: pick an existing step, or a type to add a new step right
 * there (it lands next to this node and is selected, ready to configure).
 */
export function NextStepPicker({
  nodeId,
  ports,
  links,
  choices,
  onConnect,
  onAddNext,
}: {
  nodeId: string;
  ports: OutputPort[];
  /** Port id -> connected node id. */
  links: Record<string, string>;
  choices: StepChoice[];
  onConnect(port: string, target: string | null): void;
  onAddNext(port: string, type: string): void;
}) {
  if (ports.length === 0) return null;
  const types = stepTypes();
  return (
    <fieldset className="next-steps" data-testid="next-steps">
      <legend>Next step</legend>
      {ports.map((port) => (
        <div className="field" key={port.id}>
          <label htmlFor={`next-${port.id}`}>
            {ports.length > 1 ? `When “${port.label}”` : 'Then go to'}
          </label>
          <select
            id={`next-${port.id}`}
            data-testid={`next-${port.id}`}
            value={links[port.id] ?? ''}
            onChange={(e) => {
              const value = e.target.value;
              if (value.startsWith(NEW)) onAddNext(port.id, value.slice(NEW.length));
              else onConnect(port.id, value || null);
            }}
          >
            <option value="">— not connected —</option>
            <optgroup label="Existing steps">
              {choices
                .filter((c) => c.id !== nodeId)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.id})
                  </option>
                ))}
            </optgroup>
            <optgroup label="Add a new step">
              {types.map((d) => (
                <option key={d.type} value={`${NEW}${d.type}`}>
                  + {d.title}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
      ))}
    </fieldset>
  );
}
