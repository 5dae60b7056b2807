export async function sweep(..._args: unknown[]): Promise<void> {
  throw new Error('the bad-input sweep (test/helpers/routeSweep.ts) has not landed yet')
}
