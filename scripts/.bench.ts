import { benchClassify, formatClassifyBench } from '../bench/classify.ts';
console.log(formatClassifyBench(benchClassify({ rounds: Number(process.argv[2] ?? 50) })));
