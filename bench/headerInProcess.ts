// Times header-only inspection inside one process, as the scanner and the
// extension use it: the first (cold) call, then the median of 20 warm calls.
import { inspectDatabase } from '../src/sqlite/content/inspect';

async function main(): Promise<void> {
  const file = process.argv[2]!;
  const time = async () => {
    const t = process.hrtime.bigint();
    await inspectDatabase(file, { headerOnly: true });
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const cold = await time();
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) warm.push(await time());
  warm.sort((a, b) => a - b);
  console.log(JSON.stringify({ cold, warm: warm[10], rssKiB: Math.round(process.resourceUsage().maxRSS) }));
}
void main();
