import { runCli } from './run-cli';

// `npm run classify` starts in the repository root; paths are meant from where it was typed.
if (process.env['INIT_CWD']) process.chdir(process.env['INIT_CWD']);

// `classify | head` closes stdout early: stop quietly instead of dying on EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((status) => {
    process.exitCode = status;
  })
  .catch((error: unknown) => {
    process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
