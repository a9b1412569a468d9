/** Entry point of the `eval` target. */
import { main } from './eval';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`eval: ${(e as Error).message}`);
    process.exit(1);
  },
);
