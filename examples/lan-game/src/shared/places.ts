/** Places on a scoreboard: equal scores share a place, and the next place skips ("1, 1, 3"). */

/** The place of each score in `sortedScores` (highest first): 1 + how many scored strictly more. */
export function places(sortedScores: readonly number[]): number[] {
  return sortedScores.map((score, i) => {
    let place = i;
    while (place > 0 && sortedScores[place - 1] === score) place--;
    return place + 1;
  });
}
