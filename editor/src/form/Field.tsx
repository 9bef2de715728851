import { literalChoices } from '../graph/json-schema.ts';
import { ArrayField } from './ArrayField.tsx';
import type { FieldProps } from './context.ts';
import { DurationField } from './DurationField.tsx';
import { BooleanField, EnumField, NumberField, StringField, UnknownField } from './inputs.tsx';
import { ObjectField } from './ObjectField.tsx';
import { RecordField } from './RecordField.tsx';
import { WeekdaysField } from './WeekdaysField.tsx';

/** Picks the widget for a schema node; anything unrecognised falls back to a free-value input. */
export function Field(props: FieldProps) {
  const { schema } = props;
  if (schema['x-widget'] === 'duration') return <DurationField {...props} />;
  if (schema['x-widget'] === 'weekdays') return <WeekdaysField {...props} />;
  if (literalChoices(schema)) return <EnumField {...props} />;
  switch (schema.type) {
    case 'object':
      return schema.patternProperties ? <RecordField {...props} /> : <ObjectField {...props} />;
    case 'array':
      return <ArrayField {...props} />;
    case 'string':
      return <StringField {...props} />;
    case 'number':
    case 'integer':
      return <NumberField {...props} />;
    case 'boolean':
      return <BooleanField {...props} />;
    default:
      return <UnknownField {...props} />;
  }
}

export const joinPath = (base: string, key: string | number) => (base ? `${base}.${key}` : String(key));
