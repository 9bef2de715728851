import type { LeafKind, LeafRule, SegmentRule } from '@itinera/schemas';
import type { FormEnv } from '../form/context.ts';
import { SchemaForm } from '../form/SchemaForm.tsx';
import { invalidFieldOf, leafFormSchema, newLeaf, RULE_KINDS } from './rule-schemas.ts';

interface NodeProps {
  rule: SegmentRule;
  onChange(rule: SegmentRule): void;
  /** Removes this rule from its group; absent at the root. */
  onRemove?: () => void;
  /** The API's path of this rule (`rules.all[1]`), which its errors name. */
  path: string;
  env: Partial<FormEnv> & { problemPath?: string };
}

const FIRST_KIND: LeafKind = 'attribute';

function GroupRule({
  rule,
  onChange,
  onRemove,
  path,
  env,
}: NodeProps & { rule: { all: SegmentRule[] } | { any: SegmentRule[] } }) {
  const op = 'all' in rule ? 'all' : 'any';
  const items = 'all' in rule ? rule.all : rule.any;
  const readOnly = env.readOnly === true;
  const set = (next: SegmentRule[]) =>
    onChange((op === 'all' ? { all: next } : { any: next }) as SegmentRule);
  return (
    <fieldset className="rule-group" data-testid={`rule-${path}`}>
      <legend>
        <select
          aria-label="Match"
          data-testid={`rule-op-${path}`}
          disabled={readOnly}
          value={op}
          onChange={(e) =>
            onChange((e.target.value === 'all' ? { all: items } : { any: items }) as SegmentRule)
          }
        >
          <option value="all">All of these hold</option>
          <option value="any">Any of these holds</option>
        </select>
      </legend>
      {items.map((item, i) => (
        <RuleNode
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity of their own
          key={i}
          rule={item}
          path={`${path}.${op}[${i}]`}
          env={env}
          onChange={(next) => set(items.map((r, j) => (j === i ? next : r)))}
          onRemove={items.length > 1 ? () => set(items.filter((_, j) => j !== i)) : undefined}
        />
      ))}
      {!readOnly && (
        <div className="rule-actions">
          <button
            type="button"
            data-testid={`rule-add-${path}`}
            onClick={() => set([...items, newLeaf(FIRST_KIND)])}
          >
            + Rule
          </button>
          <button
            type="button"
            data-testid={`rule-add-group-${path}`}
            onClick={() => set([...items, { any: [newLeaf(FIRST_KIND)] }])}
          >
            + Group
          </button>
          <RuleTools rule={rule} onChange={onChange} onRemove={onRemove} path={path} />
        </div>
      )}
    </fieldset>
  );
}

/** Negate / un-negate and remove, for any rule. */
function RuleTools({
  rule,
  onChange,
  onRemove,
  path,
}: Pick<NodeProps, 'rule' | 'onChange' | 'onRemove' | 'path'>) {
  return (
    <>
      {'not' in rule ? (
        <button
          type="button"
          className="link"
          data-testid={`rule-unnegate-${path}`}
          onClick={() => onChange(rule.not)}
        >
          drop NOT
        </button>
      ) : (
        <button
          type="button"
          className="link"
          data-testid={`rule-negate-${path}`}
          onClick={() => onChange({ not: rule })}
        >
          negate
        </button>
      )}
      {onRemove && (
        <button type="button" className="link" data-testid={`rule-remove-${path}`} onClick={onRemove}>
          remove
        </button>
      )}
    </>
  );
}

function LeafRuleForm({ rule, onChange, onRemove, path, env }: NodeProps & { rule: LeafRule }) {
  const invalid = invalidFieldOf(env.problemPath, path);
  const { problemPath: _, ...formEnv } = env;
  return (
    <div
      className={`rule-leaf${env.problemPath === path || invalid ? ' rule-invalid' : ''}`}
      data-testid={`rule-${path}`}
    >
      <select
        aria-label="Rule kind"
        data-testid={`rule-kind-${path}`}
        disabled={env.readOnly}
        value={rule.kind}
        onChange={(e) => onChange(newLeaf(e.target.value as LeafKind))}
      >
        {Object.entries(RULE_KINDS).map(([kind, label]) => (
          <option key={kind} value={kind}>
            {label}
          </option>
        ))}
      </select>
      <SchemaForm
        schema={leafFormSchema(rule.kind)}
        value={rule as Record<string, unknown>}
        onChange={(next) => onChange({ ...next, kind: rule.kind } as SegmentRule)}
        env={{ ...formEnv, invalid: new Set(invalid ? [invalid] : []) }}
      />
      {!env.readOnly && (
        <div className="rule-actions">
          <RuleTools rule={rule} onChange={onChange} onRemove={onRemove} path={path} />
        </div>
      )}
    </div>
  );
}

export function RuleNode(props: NodeProps) {
  const { rule, onChange, onRemove, path, env } = props;
  if ('all' in rule || 'any' in rule) return <GroupRule {...props} rule={rule} />;
  if ('not' in rule) {
    return (
      <div className="rule-not" data-testid={`rule-${path}`}>
        <strong>NOT</strong>
        <RuleNode
          rule={rule.not}
          path={`${path}.not`}
          env={env}
          onChange={(next) => onChange({ not: next })}
        />
        {!env.readOnly && (
          <div className="rule-actions">
            <RuleTools rule={rule} onChange={onChange} onRemove={onRemove} path={path} />
          </div>
        )}
      </div>
    );
  }
  return <LeafRuleForm {...props} rule={rule} />;
}

/** A nested and / or / not rule tree; every leaf kind's fields come from its shared schema. */
export function RuleBuilder({
  rules,
  onChange,
  env,
}: {
  rules: SegmentRule;
  onChange(rules: SegmentRule): void;
  env: NodeProps['env'];
}) {
  return (
    <div className="rule-builder" data-testid="rule-builder">
      <RuleNode rule={rules} path="rules" env={env} onChange={onChange} />
    </div>
  );
}

export const EMPTY_RULES: SegmentRule = { all: [newLeaf(FIRST_KIND)] };
