import { BaseEdge, type EdgeProps, getSmoothStepPath } from '@xyflow/react';
import { memo } from 'react';
import type { FlowEdge } from '../graph/mapping.ts';
import { fitRoute, pointAlong, polylinePath } from '../graph/routes.ts';

/**
 * An edge drawn along the route auto-layout computed for it (orthogonal, clear of every node box); once its
 * nodes are moved by hand it falls back to React Flow's smooth-step path.
 */
function RoutedEdgeInner(props: EdgeProps<FlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data } = props;
  const route = fitRoute(data?.route, { x: sourceX, y: sourceY }, { x: targetX, y: targetY });
  let path: string;
  let labelX: number;
  let labelY: number;
  if (route) {
    path = polylinePath(route);
    ({ x: labelX, y: labelY } = pointAlong(route, 0.5));
  } else {
    [path, labelX, labelY] = getSmoothStepPath({
      sourceX,
      sourceY,
      sourcePosition,
      targetX,
      targetY,
      targetPosition,
    });
  }
  return (
    <BaseEdge
      id={props.id}
      path={path}
      labelX={labelX}
      labelY={labelY}
      label={props.label}
      labelStyle={props.labelStyle}
      labelShowBg={props.labelShowBg}
      labelBgStyle={props.labelBgStyle}
      labelBgPadding={props.labelBgPadding}
      labelBgBorderRadius={props.labelBgBorderRadius}
      markerStart={props.markerStart}
      markerEnd={props.markerEnd}
      style={props.style}
      interactionWidth={props.interactionWidth}
    />
  );
}

export const RoutedEdge = memo(RoutedEdgeInner);
export const flowEdgeTypes = { routed: RoutedEdge };
