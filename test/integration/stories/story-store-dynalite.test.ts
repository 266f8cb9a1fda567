import { startDynaliteEngine } from '../../../infra/local/engines.ts';
import { describeStoryStoreSuite } from './story-store-suite.ts';

describeStoryStoreSuite('dynalite', () => startDynaliteEngine());
