/** Unambiguous alphabet for generated promo codes: A–Z without I and O, digits 2–9 (32 characters). */
export const PROMO_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** `{X:n}` in a pool pattern stands for n random alphabet characters, e.g. `WELCOME-{X:6}`. */
export const promoPlaceholder = () => /\{X:(\d+)\}/g;

export interface PromoPoolDoc {
  _id: string;
  name: string;
  kind: 'list' | 'pattern';
  pattern?: string;
  createdAt: string;
  exhaustedAt: string | null;
}

/** The literal part of a pattern and how many random characters it adds. */
export function analysePromoPattern(pattern: string): {
  literal: string;
  randomChars: number;
  combinations: number;
} {
  let randomChars = 0;
  const literal = pattern.replace(promoPlaceholder(), (_, n: string) => {
    randomChars += Number(n);
    return '';
  });
  return { literal, randomChars, combinations: PROMO_ALPHABET.length ** randomChars };
}
