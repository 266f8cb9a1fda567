/**
 * Where the smoke test finds the emails the stack sent: Mailpit's HTTP API (`mailTransport=smtp`,
 * and SES mail in LocalStack editions that relay it over SMTP), or LocalStack's own record of SES
 * sends at `/_aws/ses` (`mailTransport=ses-raw` on the free edition). Either way the raw message,
 * read by `readMessage`.
 */
import { readMessage, type ReadMessage } from './read-message.ts';

export interface Mailbox {
  /** What the step lines call it. */
  name: string;
  /** Forgets every message. */
  clear(): Promise<void>;
  /** The messages whose To header holds `address`, oldest first where the catcher says. */
  messagesTo(address: string): Promise<ReadMessage[]>;
}

/** Mailpit (https://mailpit.axllent.org): `GET /api/v1/messages`, `GET /api/v1/message/{ID}/raw`, `DELETE /api/v1/messages`. */
export function createMailpitMailbox(baseUrl: string): Mailbox {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    name: `Mailpit (${base})`,
    async clear() {
      await call(`${base}/api/v1/messages`, { method: 'DELETE' }, 'Mailpit');
    },
    async messagesTo(address) {
      const list = (await (await call(`${base}/api/v1/messages?limit=500`, {}, 'Mailpit')).json()) as {
        messages?: { ID: string; To?: { Address: string }[] }[];
      };
      const ids = (list.messages ?? [])
        .filter((message) => (message.To ?? []).some((to) => to.Address.toLowerCase() === address.toLowerCase()))
        .map((message) => message.ID)
        // Mailpit lists newest first.
        .reverse();
      return Promise.all(
        ids.map(async (id) =>
          readMessage(await (await call(`${base}/api/v1/message/${encodeURIComponent(id)}/raw`, {}, 'Mailpit')).text()),
        ),
      );
    },
  };
}

/** LocalStack's SES retrospection endpoint: `GET /_aws/ses` (raw sends carry `RawData`), `DELETE /_aws/ses`. */
export function createLocalStackSesMailbox(endpoint: string): Mailbox {
  const url = `${endpoint.replace(/\/+$/, '')}/_aws/ses`;
  return {
    name: `LocalStack SES (${url})`,
    async clear() {
      await call(url, { method: 'DELETE' }, 'LocalStack /_aws/ses');
    },
    async messagesTo(address) {
      const list = (await (await call(url, {}, 'LocalStack /_aws/ses')).json()) as {
        messages?: { RawData?: string; Timestamp?: string }[];
      };
      return (list.messages ?? [])
        .filter((message) => typeof message.RawData === 'string')
        .sort((a, b) => (a.Timestamp ?? '').localeCompare(b.Timestamp ?? ''))
        .map((message) => readMessage(message.RawData!))
        .filter((message) => message.header('to').toLowerCase().includes(address.toLowerCase()));
    },
  };
}

async function call(url: string, init: RequestInit, what: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new Error(
      `${what} unreachable: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message} (${url})`,
    );
  }
  if (!response.ok) throw new Error(`${what} answered HTTP ${response.status} (${url})`);
  return response;
}
