export function isValidTimezone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The customer's timezone: their profile's `timezone` trait, else the journey default, else UTC. */
export function customerTimezone(profileTimezone: unknown, journeyDefault: unknown): string {
  if (isValidTimezone(profileTimezone)) return profileTimezone;
  return isValidTimezone(journeyDefault) ? journeyDefault : 'UTC';
}
