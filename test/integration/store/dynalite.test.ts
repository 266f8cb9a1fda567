import { startDynaliteEngine } from '../../../infra/local/engines.ts';
import { describeStoreSuite } from './store-suite.ts';

// The one-process runtime's path: requests handed to dynalite's validations and actions as objects.
describeStoreSuite('dynalite (objects in process)', () => startDynaliteEngine());

// The functions' path: signed JSON over HTTP to the engine's endpoint.
describeStoreSuite('dynalite (JSON over HTTP)', async () => {
  const { endpoint, stop } = await startDynaliteEngine();
  return { endpoint, stop };
});
