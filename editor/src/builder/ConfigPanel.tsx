import type { GraphProblem } from '@itinera/schemas';
import { memo, useMemo } from 'react';
import { useCan } from '../app/session.tsx';
import { safePorts } from '../canvas/decor.tsx';
import { SchemaForm } from '../form/SchemaForm.tsx';
import type { JsonSchema } from '../graph/json-schema.ts';
import type { JourneyNodeData } from '../graph/mapping.ts';
import { nodeTypes } from '../graph/node-registry.ts';
import { TestSendSection } from '../testsend/TestSendSection.tsx';
import { NextStepPicker, type StepChoice } from './NextStepPicker.tsx';
import { TemplatePreview } from './TemplatePreview.tsx';
import { templateFields } from './template-preview.ts';

interface Props {
  nodeId: string;
  data: JourneyNodeData;
  /** Port id -> connected node id, and the steps a port may lead to. */
  links: Record<string, string>;
  choices: StepChoice[];
  onConnect(port: string, target: string | null): void;
  onAddNext(port: string, type: string): void;
  problems: GraphProblem[];
  readOnly: boolean;
  eventNames: string[];
  attributes: string[];
  templateIds: string[];
  segmentIds: string[];
  promoPoolIds: string[];
  /** The journey being edited, for `{{ journey }}` in template previews. */
  journey: { id: string; name: string };
  onChange(patch: { config?: Record<string, unknown>; label?: string }): void;
  onDelete(): void;
}

/**
 * Settings of the selected node: label plus a form generated from its type's config schema. Memoised: it
 * takes the node's data (kept by React Flow while the node moves), so dragging the node does not redraw it.
 */
export const ConfigPanel = memo(function ConfigPanel({
  nodeId,
  data,
  links,
  choices,
  onConnect,
  onAddNext,
  problems,
  readOnly,
  eventNames,
  attributes,
  templateIds,
  segmentIds,
  promoPoolIds,
  journey,
  onChange,
  onDelete,
}: Props) {
  const definition = nodeTypes.get(data.type);
  const canPreview = useCan('customers:read');
  const canTestSend = useCan('journeys:write');
  const templates = useMemo(
    () => (definition ? templateFields(definition.configSchema as JsonSchema, data.config) : []),
    [definition, data.config],
  );
  const invalid = new Set(problems.flatMap((p) => (p.field ? [p.field] : [])));
  return (
    <div className="config-panel" data-testid="config-panel">
      <h2>
        <span className="type-icon" aria-hidden="true">
          {definition?.icon ?? '❔'}
        </span>{' '}
        {definition?.title ?? data.type}
      </h2>
      <p className="muted">{definition?.description}</p>
      <div className="field">
        <label htmlFor="node-label">Label</label>
        <input
          id="node-label"
          data-testid="node-label"
          placeholder={definition?.title}
          readOnly={readOnly}
          value={data.label ?? ''}
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
          value={data.config}
          onChange={(config) => onChange({ config })}
          env={{
            eventNames,
            attributes,
            templates: templateIds,
            segments: segmentIds,
            promoPools: promoPoolIds,
            invalid,
            readOnly,
          }}
        />
      ) : (
        <p className="error">This node type is not known to the server; it cannot be edited.</p>
      )}
      {!readOnly && (
        <NextStepPicker
          nodeId={nodeId}
          ports={safePorts(definition, data.config)}
          links={links}
          choices={choices}
          onConnect={onConnect}
          onAddNext={onAddNext}
        />
      )}
      {canPreview && templates.length > 0 && <TemplatePreview fields={templates} journey={journey} />}
      {canTestSend && data.type === 'send' && (
        <TestSendSection
          journeyId={journey.id}
          nodeId={nodeId}
          channel={String((data.config as { channel?: string }).channel ?? 'email')}
        />
      )}
      {!readOnly && (
        <button type="button" className="danger" onClick={onDelete} data-testid="delete-node">
          Delete node
        </button>
      )}
    </div>
  );
});
