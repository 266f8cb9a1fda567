import { startDynaliteEngine } from '../../../infra/local/engines.ts';
import { describeStoreSuite } from './store-suite.ts';

describeStoreSuite('dynalite', () => startDynaliteEngine());
