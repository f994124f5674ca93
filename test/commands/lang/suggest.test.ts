import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../../../src/commands/lang/suggest.ts';

describe('suggest', () => {
  it.each<[string, string, number]>([
    ['stpi', 'stepi', 1],
    ['stepi', 'stepi', 0],
    ['teh', 'the', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('editDistance(%s, %s) = %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  const names = ['stepi', 'nexti', 'continue', 'finish', 'break', 'hbreak', 'watch', 'set'];
  it.each<[string, string | undefined]>([
    ['stpi', 'stepi'],
    ['sepi', 'stepi'],
    ['contniue', 'continue'],
    ['brek', 'break'],
    ['wacth', 'watch'],
    ['xyzzy', undefined],
    ['q', undefined],
  ])('%s → %s', (w, want) => {
    expect(suggest(w, names)).toBe(want);
  });

  it('ties go to the first candidate; the text is one clause', () => {
    expect(suggest('bx', ['ax', 'cx'])).toBe('ax');
    expect(didYouMean('stpi', names)).toBe("did you mean 'stepi'?");
    expect(didYouMean('zzzz', names)).toBeUndefined();
  });
});
