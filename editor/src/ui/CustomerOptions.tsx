import type { CustomerSummary } from '../api/types.ts';

/** Suggestions for a customer-id input (`list={id}`): each customer's id, labelled with their email. */
export function CustomerOptions({
  id,
  customers,
}: {
  id: string;
  customers: CustomerSummary[] | null | undefined;
}) {
  return (
    <datalist id={id}>
      {(customers ?? []).map((c) => (
        <option key={c.customerId} value={c.customerId}>
          {typeof c.traits.email === 'string' ? c.traits.email : ''}
        </option>
      ))}
    </datalist>
  );
}
