import type { GraphProblem } from '@itinera/schemas';
import { SchemaForm } from '../form/SchemaForm.tsx';
import type { JsonSchema } from '../graph/json-schema.ts';
import type { FlowNode } from '../graph/mapping.ts';
import { nodeTypes } from '../graph/node-registry.ts';

interface Props {
  node: FlowNode;
  problems: GraphProblem[];
  readOnly: boolean;
  eventNames: string[];
  attributes: string[];
  onChange(patch: { config?: Record<string, unknown>; label?: string }): void;
  onDelete(): void;
}

/** Settings of the selected node: label plus a form generated from its type's config schema. */
export function ConfigPanel({ node, problems, readOnly, eventNames, attributes, onChange, onDelete }: Props) {
  const definition = nodeTypes.get(node.data.type);
  const invalid = new Set(problems.flatMap((p) => (p.field ? [p.field] : [])));
  return (
    <div className="config-panel" data-testid="config-panel">
      <h2>
        <span className="type-icon" aria-hidden="true">
          {definition?.icon ?? '❔'}
        </span>{' '}
        {definition?.title ?? node.data.type}
      </h2>
      <p className="muted">{definition?.description}</p>
      <div className="field">
        <label htmlFor="node-label">Label</label>
        <input
          id="node-label"
          data-testid="node-label"
          placeholder={definition?.title}
          readOnly={readOnly}
          value={node.data.label ?? ''}
          onChange={(e) => onChange({ label: e.target.value || undefined })}
        />
      </div>
      {problems.length > 0 && (
        <ul className="node-problems" data-testid="node-problems">
          {problems.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: recomputed list
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
      {definition ? (
        <SchemaForm
          schema={definition.configSchema as JsonSchema}
          value={node.data.config}
          onChange={(config) => onChange({ config })}
          env={{ eventNames, attributes, invalid, readOnly }}
        />
      ) : (
        <p className="error">This node type is not known to the server; it cannot be edited.</p>
      )}
      {!readOnly && (
        <button type="button" className="danger" onClick={onDelete} data-testid="delete-node">
          Delete node
        </button>
      )}
    </div>
  );
}
