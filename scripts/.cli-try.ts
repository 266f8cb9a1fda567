import { runClassify } from '/work/main/cli/commands/classify.ts';
import { runEval } from '/work/main/cli/commands/eval.ts';
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
const code = process.argv[2] === 'eval' ? await runEval(process.argv[3] as string, io, { json: false }) : await runClassify({ file: process.argv[3], explain: process.argv[4] === 'x' }, io);
console.error('exit', code);
