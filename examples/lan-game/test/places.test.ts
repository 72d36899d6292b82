import { expect, it } from 'vitest';
import { places } from '../src/shared/places.js';

it('equal scores share a place and the next place skips', () => {
  expect(places([9, 5, 5, 2])).toEqual([1, 2, 2, 4]);
  expect(places([0, 0, 0])).toEqual([1, 1, 1]);
  expect(places([7])).toEqual([1]);
  expect(places([])).toEqual([]);
});
