/**
 * Our DynamoDB client's requests handed to dynalite in this process as objects. The request
 * still goes through all of dynalite's request handling that concerns DynamoDB: its type checks
 * and validations (`dynalite/validations/<operation>`, the messages DynamoDB gives) and its
 * action (`dynalite/actions/<operation>`) on its store, exactly as its HTTP listener runs them.
 * Left out is only what concerns HTTP and JSON text: the request's JSON text and its parse, the
 * emulated request and response, the URL parse, the signature's shape check, the answer's JSON
 * text with its CRC32 and a crypto-random request id, and our parse of it. In `run --once` that
 * was about a tenth of the CPU for ~4,600 requests.
 *
 * The request's types are checked as dynalite checks them, in one walk of the input that leaves
 * it as it is, when it is plain JSON data that passes as it is (dynalite-input-types.ts: all our
 * client sends); any other input is copied as its JSON would parse (`copyAsJson`) for dynalite's
 * own check, which deletes fields of what it is given and gives the errors. Its declared
 * validations (required fields, lengths, patterns …) are decided from the type tree compiled once
 * (dynalite-input-validations.ts); an input that does not pass gets dynalite's own, for its
 * messages. A BatchGetItem's own checks skip their per-key cost for keys made of strings
 * (dynalite-batch-get-checks.ts). The answer (an output or an error answer's
 * fields) is copied the same way, since an action may answer with ones of the request, except
 * for its frozen objects: those are the rows of the store's read cache (dynalite-read-cache.ts),
 * deep-frozen JSON data that nobody can change, handed over as they are (the rows a
 * BatchGetItem finds were most of what was copied). Results and errors are the listener's: the
 * same fields, `__type`s and statuses.
 * Unlike the listener, a fault inside dynalite (an action calling back with an error it does not
 * answer, which the listener throws out of its callback) rejects the request here, and dynalite's
 * 16 MB limit on a request's text is not checked (DynamoDB's own limits keep ours far below).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AwsJsonObjectTransport, AwsObjectAnswer } from '../../shared/aws-http/index.ts';
import { batchGetChecks, type DynaliteExpressionChecks, type OperationChecks } from './dynalite-batch-get-checks.ts';
import { checkPlainInputTypes } from './dynalite-input-types.ts';
import { passesDeclaredValidations } from './dynalite-input-validations.ts';
import { copyAsJson } from './json-copy.ts';

/** dynalite's operations (its `validOperations`); any other is answered as its listener answers an unknown target. */
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

type Fields = Record<string, unknown>;

/** How dynalite fails a request it answers: the error answer's status and body. */
interface DynaliteFailure {
  statusCode?: number;
  body?: Fields;
  message?: string;
}

/** An operation's validation module: the input's types and checks, and its own further checks. */
interface OperationValidation {
  types: Fields;
  custom?: OperationChecks | undefined;
}

/** An operation's action module: runs it on the store and calls back with the output or a failure. */
type OperationAction = (store: object, data: Fields, done: (failure: DynaliteFailure | null | undefined, output?: Fields) => void) => void;

interface DynaliteValidations extends DynaliteExpressionChecks {
  checkTypes(data: Fields, types: Fields): Fields;
  checkValidations(data: Fields, types: Fields, custom: OperationValidation['custom'], store: object): void;
}

const require = createRequire(import.meta.url);

/**
 * A transport for our DynamoDB client that runs each request on `store` (the store dynalite
 * created for its server: `withDynaliteStoreHooks`), with no JSON text and no HTTP emulation.
 */
export function createDynaliteDirectTransport(store: object): AwsJsonObjectTransport {
  // The modules dynalite's listener dispatches to (already loaded by it: the same instances).
  const validations = require('dynalite/validations') as DynaliteValidations;
  const db = require('dynalite/db') as { validationError(message: string): DynaliteFailure };
  const operations = new Map<string, { validation: OperationValidation; action: OperationAction }>();
  for (const operation of OPERATIONS) {
    const file = operation[0]?.toLowerCase() + operation.slice(1);
    let validation = require(`dynalite/validations/${file}`) as OperationValidation;
    if (operation === 'BatchGetItem' && validation.custom) {
      validation = { types: validation.types, custom: batchGetChecks(validation.custom, validations) };
    }
    operations.set(operation, { validation, action: require(`dynalite/actions/${file}`) as OperationAction });
  }
  const nextRequestId = requestIds();

  return {
    exchange(operation, input) {
      return new Promise<AwsObjectAnswer>((resolve, reject) => {
        const requestId = nextRequestId();
        const answer = (statusCode: number, fields: Fields) =>
          resolve({ statusCode, output: copyAsJson(fields, true) as Fields, requestId });
        const engineThrew = (error: unknown) =>
          reject(
            new Error(`dynalite request failed: the engine threw while handling it (${(error as Error | undefined)?.message ?? error})`, {
              cause: error,
            }),
          );
        const handling = operations.get(operation);
        if (!handling) return answer(400, { __type: 'com.amazon.coral.service#UnknownOperationException' });
        const { validation, action } = handling;

        let data: Fields;
        try {
          data = checkPlainInputTypes(input, validation.types) ?? validations.checkTypes(copyAsJson(input) as Fields, validation.types);
          if (passesDeclaredValidations(data, validation.types)) {
            // What dynalite's checkValidations ends with, once its declared validations all pass.
            const message = validation.custom?.(data, store);
            if (message) throw db.validationError(message);
          } else {
            validations.checkValidations(data, validation.types, validation.custom, store);
          }
        } catch (error) {
          const failure = error as DynaliteFailure | undefined;
          return failure?.statusCode ? answer(failure.statusCode, failure.body ?? {}) : engineThrew(error);
        }
        try {
          action(store, data, (failure, output) => {
            if (failure?.statusCode) answer(failure.statusCode, failure.body ?? {});
            else if (failure) engineThrew(failure);
            else answer(200, output ?? {});
          });
        } catch (error) {
          engineThrew(error);
        }
      });
    },
  };
}

/**
 * Request ids in the shape of dynalite's (52 characters of upper-case base64, `+` and `/` as `0`):
 * one random prefix, then a counter, instead of 39 crypto-random bytes per request.
 */
function requestIds(): () => string {
  const prefix = randomBytes(30).toString('base64').toUpperCase().replace(/[+/]/g, '0');
  let count = 0;
  return () => prefix + (++count).toString(36).toUpperCase().padStart(12, '0');
}
