import { defineExecutor, type ExecutionContext, type ExecutionResult, readPath } from '@itinera/schemas';
import { DateTime } from 'luxon';
import { type Duration, describeDuration, durationMs } from '../shared/duration.ts';
import { dateWithOffset, nextTimeOfDay, parseDate } from './schedule.ts';

interface WaitConfig {
  mode: 'duration' | 'time_of_day' | 'date_attribute';
  duration?: Duration;
  time?: string;
  weekdays?: number[];
  attribute?: string;
  offset?: Duration;
  offsetDirection?: 'before' | 'after';
  yearly?: boolean;
}

function formatLocal(ms: number, zone: string): string {
  return `${DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-LL-dd HH:mm')} ${zone}`;
}

async function waitUntilAttributeDate(ctx: ExecutionContext<WaitConfig>): Promise<ExecutionResult> {
  const { attribute = '', offset, offsetDirection = 'before', yearly = false } = ctx.config;
  const [profile, zone] = await Promise.all([ctx.loadProfile(), ctx.timezone()]);
  const date = parseDate(readPath(profile.traits, attribute), zone);
  if (!date) {
    return {
      port: 'next',
      outcome: 'skipped',
      reason: `Profile attribute "${attribute}" holds no date; continued at once`,
    };
  }
  const signedOffset = (offset ? durationMs(offset) : 0) * (offsetDirection === 'before' ? -1 : 1);
  const target = dateWithOffset(date, signedOffset, ctx.now(), yearly);
  const offsetText = offset ? ` ${describeDuration(offset)} ${offsetDirection}` : '';
  if (target <= ctx.now()) {
    return {
      port: 'next',
      outcome: 'elapsed',
      reason: `${attribute}${offsetText} (${formatLocal(target, zone)}) had already passed`,
    };
  }
  await ctx.sleepUntil(target, `until ${attribute}${offsetText}: ${formatLocal(target, zone)}`);
  return {
    port: 'next',
    outcome: 'elapsed',
    reason: `Waited until ${attribute}${offsetText}: ${formatLocal(target, zone)}`,
  };
}

export const waitExecutor = defineExecutor<WaitConfig>('wait', async (ctx) => {
  const { config } = ctx;
  if (config.mode === 'date_attribute') return waitUntilAttributeDate(ctx);
  if (config.mode === 'time_of_day') {
    const zone = await ctx.timezone();
    const target = nextTimeOfDay(ctx.now(), zone, config.time ?? '09:00', config.weekdays);
    const when = formatLocal(target, zone);
    await ctx.sleepUntil(target, `until ${when}`);
    return {
      port: 'next',
      outcome: 'elapsed',
      reason: `Waited until ${when}`,
      data: { until: new Date(target).toISOString() },
    };
  }
  const duration = config.duration ?? { amount: 0, unit: 'minutes' };
  const target = ctx.now() + durationMs(duration);
  await ctx.sleepUntil(target, `for ${describeDuration(duration)}`);
  return { port: 'next', outcome: 'elapsed', reason: `Waited ${describeDuration(duration)}` };
});
