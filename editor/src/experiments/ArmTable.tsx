import type { ArmResult, ExperimentAnalysis } from '@itinera/schemas';

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const money = (value: number) => value.toFixed(2);
const signed = (value: number, format: (v: number) => string) => `${value >= 0 ? '+' : ''}${format(value)}`;

/** One arm's interval drawn on a shared scale, the point estimate marked. */
function IntervalBar({ arm, scale }: { arm: ArmResult; scale: { min: number; max: number } }) {
  const span = scale.max - scale.min || 1;
  const x = (v: number) => ((v - scale.min) / span) * 200;
  return (
    <svg width={200} height={14} role="img" aria-label={`interval of ${arm.label}`}>
      <line
        x1={x(arm.interval.low)}
        x2={x(arm.interval.high)}
        y1={7}
        y2={7}
        stroke="currentColor"
        strokeWidth={3}
      />
      <circle cx={x(arm.value)} cy={7} r={4} fill={arm.isControl ? 'gray' : 'steelblue'} />
    </svg>
  );
}

/** Variants side by side: metric with interval, chance to beat control, always-valid p, lift. */
export function ArmTable({
  analysis,
  testId,
  onPromote,
}: {
  analysis: ExperimentAnalysis;
  testId: string;
  onPromote?: (arm: ArmResult) => void;
}) {
  const format = analysis.metric === 'revenue' ? money : percent;
  const scale = {
    min: Math.min(...analysis.arms.map((a) => a.interval.low)),
    max: Math.max(...analysis.arms.map((a) => a.interval.high)),
  };
  return (
    <>
      <p data-testid={`${testId}-decision`} className={analysis.winner ? 'banner' : 'muted'}>
        {analysis.decision}
      </p>
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>Variant</th>
            <th>Customers</th>
            <th>Converted</th>
            <th>Revenue</th>
            <th>{analysis.metric === 'revenue' ? 'Revenue / customer' : `${analysis.metric} rate`} (95%)</th>
            <th>Interval</th>
            <th>Chance to beat control</th>
            <th>Always-valid p</th>
            <th>Lift (95%)</th>
            {onPromote && <th />}
          </tr>
        </thead>
        <tbody>
          {analysis.arms.map((arm) => {
            const vs = arm.versusControl;
            return (
              <tr key={arm.id} data-testid={`${testId}-arm-${arm.id}`}>
                <td>
                  {arm.label}
                  {arm.isControl ? ' (control)' : ''}
                  {analysis.winner === arm.id ? ' 🏆' : ''}
                </td>
                <td>{arm.entered}</td>
                <td>{arm.converted}</td>
                <td>{money(arm.revenue)}</td>
                <td>
                  {format(arm.value)} ({format(arm.interval.low)} to {format(arm.interval.high)})
                </td>
                <td>
                  <IntervalBar arm={arm} scale={scale} />
                </td>
                <td>{vs ? percent(vs.probabilityToBeat) : '-'}</td>
                <td>{vs ? (vs.pValue < 0.001 ? '< 0.001' : vs.pValue.toFixed(3)) : '-'}</td>
                <td>
                  {vs?.lift
                    ? `${signed(vs.lift.estimate, percent)} (${signed(vs.lift.low, percent)} to ${signed(vs.lift.high, percent)})`
                    : '-'}
                </td>
                {onPromote && (
                  <td>
                    <button type="button" data-testid={`promote-${arm.id}`} onClick={() => onPromote(arm)}>
                      Promote
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
