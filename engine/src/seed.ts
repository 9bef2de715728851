import type { JourneyGraph } from '@itinera/schemas';
import type { Services } from './app.ts';

const welcomeSeries: JourneyGraph = {
  nodes: [
    {
      id: 'signup',
      type: 'trigger',
      position: { x: 0, y: 0 },
      config: { kind: 'event', event: 'signed_up', reentry: 'once' },
    },
    {
      id: 'wait_2d',
      type: 'wait',
      position: { x: 0, y: 170 },
      config: { mode: 'duration', duration: { amount: 2, unit: 'days' } },
    },
    {
      id: 'welcome_email',
      type: 'send',
      position: { x: 0, y: 340 },
      config: {
        channel: 'email',
        subject: 'Welcome to Itinera, {{ profile.first_name | default: "friend" }}!',
        body: 'Hi {{ profile.first_name | default: "there" }}, thanks for signing up.',
      },
    },
    {
      id: 'wait_purchase',
      type: 'wait_for_event',
      position: { x: 0, y: 510 },
      config: { event: 'order_completed', timeout: { amount: 5, unit: 'days' } },
    },
    {
      id: 'promo_sms',
      type: 'send',
      position: { x: 160, y: 680 },
      config: { channel: 'sms', body: 'Still thinking it over? WELCOME10 takes 10% off your first order.' },
    },
    { id: 'done', type: 'exit', position: { x: 0, y: 850 }, config: {} },
    {
      id: 'subscribed',
      type: 'goal',
      position: { x: -288, y: 510 },
      config: { event: 'subscription_started' },
    },
  ],
  edges: [
    { id: 'e1', source: 'signup', sourcePort: 'next', target: 'wait_2d' },
    { id: 'e2', source: 'wait_2d', sourcePort: 'next', target: 'welcome_email' },
    { id: 'e3', source: 'welcome_email', sourcePort: 'next', target: 'wait_purchase' },
    { id: 'e4', source: 'wait_purchase', sourcePort: 'timed_out', target: 'promo_sms' },
    { id: 'e5', source: 'wait_purchase', sourcePort: 'happened', target: 'done' },
    { id: 'e6', source: 'promo_sms', sourcePort: 'next', target: 'done' },
  ],
};

/** On a fresh install, one real, published journey so a newcomer has something to look at. */
export async function seedExampleJourney({ journeys }: Services): Promise<string | null> {
  if ((await journeys.list()).length > 0) return null;
  const journey = await journeys.create({ name: 'Welcome series (example)', graph: welcomeSeries });
  await journeys.publish(journey.id, 'Example journey created on first start');
  return journey.id;
}
