/** The captured SDP fixtures (packages/signal-core/test/fixtures/sdp, from scripts/capture-sdp.ts), for tests in any package. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the fixtures are. */
export const SDP_FIXTURE_DIR = join(import.meta.dirname, '../../packages/signal-core/test/fixtures/sdp');

/** One captured description, named by its file. */
export interface SdpFixture {
  readonly name: string;
  readonly type: string;
  readonly sdp: string;
}

/** Every fixture, sorted by name. */
export function sdpFixtures(): SdpFixture[] {
  return readdirSync(SDP_FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.slice(0, -5),
      ...(JSON.parse(readFileSync(join(SDP_FIXTURE_DIR, f), 'utf8')) as { type: string; sdp: string }),
    }));
}
