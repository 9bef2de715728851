// The journey: a trigger and a chain of wait / send / update_profile steps ending in an exit, laid out
// in rows of COLUMNS nodes that snake left-right-left (long edges between rows, like a real big journey).
import '@itinera/nodes/definitions';
import { nodeTypes } from '@itinera/schemas';

const COLUMNS = 15;
const STEP_TYPES = ['wait', 'send', 'update_profile'];

/** The graph of a `size`-node journey. */
export function journeyGraph(size) {
  const nodes = [];
  for (let i = 0; i < size; i++) {
    const type = i === 0 ? 'trigger' : i === size - 1 ? 'exit' : STEP_TYPES[i % STEP_TYPES.length];
    const row = Math.floor(i / COLUMNS);
    const col = row % 2 === 0 ? i % COLUMNS : COLUMNS - 1 - (i % COLUMNS);
    const definition = nodeTypes.get(type);
    if (!definition) throw new Error(`node type ${type} is not registered`);
    nodes.push({
      id: `${type}_${i + 1}`,
      type,
      config: structuredClone(definition.defaultConfig),
      position: { x: col * 310, y: row * 170 },
    });
  }
  const edges = nodes.slice(1).map((target, i) => {
    const source = nodes[i];
    return {
      id: `${source.id}.next->${target.id}`,
      source: source.id,
      sourcePort: 'next',
      target: target.id,
    };
  });
  return { nodes, edges };
}

/** Creates a `size`-node journey through the API; returns its id. */
export async function createJourney(api, key, size) {
  const response = await fetch(`${api}/v1/journeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Bench ${size} nodes`, graph: journeyGraph(size) }),
  });
  if (!response.ok) throw new Error(`creating the ${size}-node journey failed: ${await response.text()}`);
  return (await response.json()).id;
}
