/** The part of jStat (CommonJS, untyped) the experiment statistics use. */
declare module 'jstat' {
  interface Distribution {
    pdf(x: number, ...params: number[]): number;
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  export const jStat: {
    beta: Distribution;
    normal: Distribution;
    betaln(a: number, b: number): number;
  };
}
