/**
 * One flag convention for every subcommand: kebab-case long options with a typed placeholder, the
 * camelCase spelling of each accepted as the same option, and hidden options only for renamed flags.
 */
import { kebabFlags, isKebabFlag } from '@ganforge/contracts';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { program } from './main';

/** The value types help may show: every value-taking option names one of these. */
const TYPES = ['int', 'number', 'numbers', 'ints', 'bool', 'string', 'list', 'file', 'dir', 'path', 'choice'];
/** Old spellings kept for scripts, per subcommand: hidden from help. */
const RENAMED: Record<string, string[]> = { train: ['--model', '--labels'] };

async function leaves(): Promise<{ path: string; make: () => Promise<Command> }[]> {
  const out: { path: string; make: () => Promise<Command> }[] = [];
  const walk = (cmd: Command, names: string[]) => {
    const path = [...names, cmd.name()];
    if (cmd.commands.length === 0) {
      out.push({
        path: path.slice(1).join(' '),
        // A fresh command per parse: commander keeps option values on the command.
        make: async () => find(await program(['node', 'ganforge']), path.slice(1)),
      });
    }
    cmd.commands.filter((c) => c.name() !== 'help').forEach((c) => walk(c, path));
  };
  walk(await program(['node', 'ganforge']), []);
  return out;
}

function find(root: Command, path: string[]): Command {
  let cmd = root;
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
  return cmd;
}

const placeholder = (o: Option) => /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags)?.slice(1).find(Boolean);

/** A value this option's parser should take, to see both spellings land in the same place. */
function sampleValue(o: Option): string {
  if (typeof o.defaultValue === 'number' || typeof o.defaultValue === 'string') return String(o.defaultValue);
  if (o.argChoices?.length) return o.argChoices[0]!;
  const choice = /^([\w-]+) \|/.exec(o.description.replace(/^[^:]*: /, ''))?.[1];
  const byType: Record<string, string> = {
    int: '3',
    number: '0.5',
    numbers: '-1,1',
    ints: '1,2',
    bool: 'true',
  };
  return byType[placeholder(o) ?? ''] ?? choice ?? 'x';
}

function parse(cmd: Command, argv: string[]): { values: Record<string, unknown>; unknown: string[] } {
  cmd.exitOverride();
  const { unknown } = cmd.parseOptions(kebabFlags(argv));
  return { values: { ...cmd.opts() }, unknown };
}

const commands = await leaves();

describe('the ganforge flag convention', () => {
  it('covers every subcommand', () => {
    expect(commands.map((c) => c.path).sort()).toEqual([
      'eval',
      'export generator',
      'interpolate',
      'sample',
      'train',
    ]);
  });

  describe.each(commands)('$path', ({ path, make }) => {
    it('long options are kebab-case, value types are named, choices are listed', async () => {
      const cmd = await make();
      for (const o of cmd.options) {
        if (o.hidden) {
          expect(RENAMED[path] ?? [], `${path}: hidden ${o.long}`).toContain(o.long);
          continue;
        }
        expect(isKebabFlag(o.long!), `${path} ${o.flags}`).toBe(true);
        expect(o.description, `${path} ${o.flags} has a description`).not.toBe('');
        if (!o.required && !o.optional) continue;
        const type = placeholder(o);
        expect(TYPES, `${path} ${o.flags}: the value's type`).toContain(type);
        if (type === 'choice') {
          const listed = o.argChoices?.length || / \| /.test(o.description);
          expect(listed, `${path} ${o.flags}: the choices are listed`).toBeTruthy();
        }
      }
    });

    it('help names commands a user of the installed package can run (no `nx run`, no packages/ path)', async () => {
      let help = '';
      const cmd = (await make()).configureOutput({ writeOut: (s) => (help += s) });
      cmd.outputHelp();
      expect(help).toMatch(/Usage:/);
      expect(help).not.toMatch(/nx run|packages\//);
    });

    it('each multi-word option takes its camelCase spelling too, as the same option', async () => {
      const multi = (await make()).options.filter((o) => !o.hidden && o.long!.slice(2).includes('-'));
      for (const o of multi) {
        const camel = `--${o.long!.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}`;
        const args = o.required || o.optional ? [sampleValue(o)] : [];
        const kebab = parse(await make(), [o.long!, ...args]);
        const camelCase = parse(await make(), [camel, ...args]);
        expect(kebab.unknown, `${path} ${o.long}`).toEqual([]);
        expect(camelCase, `${path} ${camel}`).toEqual(kebab);
        expect(kebab.values[o.attributeName()], `${path} ${o.long} sets a value`).toBeDefined();
      }
    });
  });

  it('renamed train flags still work under their old names', async () => {
    const { values } = parse(find(await program(['node', 'ganforge', 'train']), ['train']), [
      '--model=dcgan28',
      '--labels=l.gz',
    ]);
    expect(values).toMatchObject({ model: 'dcgan28', labels: 'l.gz' });
  });
});
