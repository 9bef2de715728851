import type { EnrollmentInput, JourneyVersion } from '@itinera/schemas';

/** A published version as the workflow interprets it: the canvas positions stay behind. */
export function workflowJourney(version: JourneyVersion): EnrollmentInput['journey'] {
  return {
    id: version.journeyId,
    version: version.version,
    name: version.name,
    graph: {
      nodes: version.graph.nodes.map(({ position: _, ...node }) => node),
      edges: version.graph.edges,
    },
    settings: version.settings,
  };
}
