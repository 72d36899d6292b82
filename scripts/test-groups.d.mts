/** Partitions the test files under `root` into those two workers may run side by side and the rest. */
export function testGroups(root?: string): { parallel: string[]; isolated: string[] };
