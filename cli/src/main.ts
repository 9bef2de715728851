import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { apiClient, CliError, EXIT } from './api.ts';
import { diff, type Output, pull, push, test, validate } from './journeys.ts';

const positiveInteger = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a version number (1, 2, …)');
  return n;
};

/** `itinera journeys pull | push | diff | validate | test`; resolves to the process exit code. */
export async function main(argv: string[], io: Output = defaultOutput): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('itinera')
    .description('Itinera journeys as code: keep journeys in files, review them, deploy them from CI')
    .addOption(
      new Option('--api-url <url>', 'Itinera API base URL')
        .env('ITINERA_API_URL')
        .default('http://127.0.0.1:3000'),
    )
    .addOption(new Option('--api-key <key>', 'API key (role marketer or admin)').env('ITINERA_API_KEY'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const client = (command: Command) => {
    const { apiUrl, apiKey } = command.optsWithGlobals<{ apiUrl: string; apiKey?: string }>();
    if (!apiKey) throw new CliError('No API key: set ITINERA_API_KEY or pass --api-key');
    return apiClient({ url: apiUrl, key: apiKey });
  };
  const run =
    <A extends unknown[]>(action: (command: Command, ...args: A) => Promise<number>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      code = await action(command, ...(args.slice(0, -1) as A));
    };

  const journeys = program
    .command('journeys')
    .description('Export, import, compare, check and test journeys');
  journeys
    .command('pull')
    .description('Write journeys (all, or the given ids) as YAML documents')
    .argument('[ids...]', 'journey ids; every journey that is not archived when none are given')
    .option('-o, --out <file>', 'file to write (one journey only)')
    .option('-d, --dir <dir>', 'folder for the files', 'journeys')
    .option('--version <n>', 'a published version instead of the draft', positiveInteger)
    .option('--no-layout', 'leave out editor positions')
    .action(
      run(
        async (
          command,
          ids: string[],
          opts: { out?: string; dir: string; version?: number; layout: boolean },
        ) => pull(client(command), io, ids, opts),
      ),
    );
  journeys
    .command('push')
    .description('Import documents: create or update each journey draft with its templates and promo pools')
    .argument('<files...>')
    .option('--publish', 'publish each draft unless its live version already has the same content')
    .option('--note <text>', 'note of the published version')
    .option('--dry-run', 'check and report what would change, change nothing')
    .action(
      run(async (command, files: string[], opts: { publish?: boolean; note?: string; dryRun?: boolean }) =>
        push(client(command), io, files, { publish: !!opts.publish, note: opts.note, dryRun: !!opts.dryRun }),
      ),
    );
  journeys
    .command('diff')
    .description('Print node-level changes between a document and the live version (exit 1 when any)')
    .argument('<file>')
    .option('--version <n>', 'compare with this published version', positiveInteger)
    .option('--draft', 'compare with the current draft')
    .action(
      run(async (command, file: string, opts: { version?: number; draft?: boolean }) =>
        diff(client(command), io, file, { version: opts.version, draft: !!opts.draft }),
      ),
    );
  journeys
    .command('validate')
    .description("Check documents with the server's validator, changing nothing (exit 1 when one is invalid)")
    .argument('<files...>')
    .action(run(async (command, files: string[]) => validate(client(command), io, files)));
  journeys
    .command('test')
    .description("Run each document's saved scenarios as test runs (exit 1 when one fails)")
    .argument('<files...>')
    .action(run(async (command, files: string[]) => test(client(command), io, files)));

  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError)
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' ? EXIT.ok : EXIT.failure;
    if (error instanceof CliError) {
      io.err(`itinera: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}

const defaultOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
