import { bareAddress } from '../addresses.ts';
import { composeMime } from '../compose-mime.ts';
import { channelTags } from '../message-tags.ts';
import type { Mailer, OutgoingEmail } from '../ports.ts';
import { toSesSendError } from './ses-errors.ts';

/** One email as both SES APIs take it: bare addresses, the composed MIME, the channel's tags. */
export interface SesRawMessage {
  from: string;
  to: string;
  raw: Uint8Array;
  tags: { Name: string; Value: string }[];
}

/**
 * What the SES v2 and v1 mailers share: the MIME the SMTP and outbox transports send (so
 * List-Unsubscribe headers included), the subscriber channel's message tags (for bounce and
 * complaint feedback), and one sorting of errors (`toSesSendError`). `send` makes the API call
 * and returns SES's message id.
 */
export function createSesSender(send: (message: SesRawMessage) => Promise<string | undefined>): Mailer {
  return {
    async send(email: OutgoingEmail) {
      const raw = await composeMime(email);
      const tags = (email.subscriberChannel ? channelTags(email.subscriberChannel) : []).map((tag) => ({
        Name: tag.name,
        Value: tag.value,
      }));
      try {
        const id = await send({ from: bareAddress(email.from), to: bareAddress(email.to), raw, tags });
        return { id: id ?? email.messageId, ...(id ? { receipt: `accepted by SES as ${id}` } : {}) };
      } catch (error) {
        throw toSesSendError(error, email.messageId);
      }
    },
  };
}
