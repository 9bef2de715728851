import { summarize } from '@itinera/nodes/views';
import { Handle, type NodeProps, Position, useUpdateNodeInternals } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { type FlowNode, INPUT_HANDLE } from '../graph/mapping.ts';
import { nodeTypes } from '../graph/node-registry.ts';
import { safePorts, useDecor } from './decor.tsx';

/** The one canvas node component: works for every node type, built-in or custom. */
function JourneyNodeCardInner({ id, data, selected }: NodeProps<FlowNode>) {
  const definition = nodeTypes.get(data.type);
  const ports = safePorts(definition, data.config);
  const { problems, stats, trail, diff, figures, direction = 'TB' } = useDecor();
  const portKey = `${direction}:${ports.map((p) => p.id).join('|')}`;
  const updateNodeInternals = useUpdateNodeInternals();
  const measuredPorts = useRef(portKey);
  useEffect(() => {
    // React Flow measures a node when it mounts. Measuring it here as well would make a pending fitView
    // resolve on this one node before the others are measured, so only re-measure when the ports change.
    if (measuredPorts.current === portKey) return;
    measuredPorts.current = portKey;
    updateNodeInternals(id);
  }, [id, portKey, updateNodeInternals]);

  const change = diff?.get(id);
  const nodeProblems = problems.get(id) ?? [];
  const nodeStats = stats?.[id];
  const role = definition?.role ?? 'step';
  const summary = summarize(data.type, data.config);
  // The icon is an emoji that may not render (no emoji font), so the type's title is always shown in words.
  const typeTitle = definition?.title ?? data.type;
  const title = data.label || typeTitle;
  const classes = [
    'jnode',
    `jnode-${definition?.category ?? 'unknown'}`,
    selected && 'is-selected',
    nodeProblems.length > 0 && 'has-problems',
    trail?.visited.has(id) && 'is-visited',
    trail?.current === id && 'is-current',
    change && `diff-${change}`,
  ].filter(Boolean);

  return (
    <div className={classes.join(' ')} data-testid={`node-${id}`} data-type={data.type}>
      {role === 'step' && (
        <Handle
          type="target"
          position={direction === 'TB' ? Position.Top : Position.Left}
          id={INPUT_HANDLE}
          data-testid={`handle-${id}-in`}
        />
      )}
      {change && (
        <span className="jnode-diff" data-testid={`diff-${id}`}>
          {change === 'added' ? 'new' : 'changed'}
        </span>
      )}
      <div className="jnode-head">
        <span className="jnode-icon type-icon" aria-hidden="true">
          {definition?.icon ?? '❔'}
        </span>
        <span className="jnode-title">{title}</span>
        {nodeProblems.length > 0 && (
          <span
            className="jnode-badge"
            title={nodeProblems.map((p) => p.message).join('\n')}
            data-testid={`problem-badge-${id}`}
          >
            {nodeProblems.length}
          </span>
        )}
      </div>
      <div className="jnode-id">{title === typeTitle ? id : `${typeTitle} · ${id}`}</div>
      {summary && <div className="jnode-summary">{summary}</div>}
      {!definition && <div className="jnode-error">Unknown node type “{data.type}”</div>}
      {nodeProblems.length > 0 && <div className="jnode-error">{nodeProblems[0].message}</div>}
      {nodeStats && (
        <div className="jnode-stats" data-testid={`node-stats-${id}`}>
          {nodeStats.active} waiting · {nodeStats.passed} passed
        </div>
      )}
      {figures?.[id] && (
        <div className="jnode-stats" data-testid={`node-figure-${id}`}>
          {figures[id]}
        </div>
      )}
      {trail?.current === id && <div className="jnode-current">● customer is here</div>}
      {ports.length > 0 && (
        <div className={`jnode-ports jnode-ports-${direction}`}>
          {ports.map((port) => (
            <div className="jnode-port" key={port.id}>
              <span>{port.label}</span>
              <Handle
                type="source"
                position={direction === 'TB' ? Position.Bottom : Position.Right}
                id={port.id}
                data-testid={`handle-${id}-${port.id}`}
                aria-label={`${port.label} output`}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const JourneyNodeCard = memo(JourneyNodeCardInner);
export const flowNodeTypes = { journey: JourneyNodeCard };
