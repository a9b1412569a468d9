/** Entry of the `export` bin: `export generator …` is `ganforge export generator …`. */
import { main } from './main';

const [node = process.execPath, script = 'export', ...rest] = process.argv;
process.exitCode = await main([node, script, 'export', ...rest]);
