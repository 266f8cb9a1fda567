import { describe, expect, it } from 'vitest';
import { buildSlackMessage, escapeSlack, slackLink } from '../../../shared/delivery/slack-message.ts';
import { deliveryMessage, HOSTILE_TITLE } from './fixtures.ts';

const slackChannel = { kind: 'webhook' as const, channelId: 'slack-1', url: 'https://hooks.slack.com/services/T/B/X', format: 'slack' as const };

/** Every mrkdwn text of a message, fallback included. */
function allTexts(message: ReturnType<typeof buildSlackMessage>): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'section') texts.push(block.text.text);
    if (block.type === 'context') texts.push(...block.elements.map((e) => e.text));
  }
  return texts;
}

describe('buildSlackMessage', () => {
  it('escapes &, < and > in item text so markup and broadcasts stay inert', () => {
    // Prepare
    const base = deliveryMessage({ channel: slackChannel });
    const message = deliveryMessage({
      channel: slackChannel,
      item: { ...base.item, title: HOSTILE_TITLE, summary: 'a <b>bold</b> & <@U123> claim', source: 'Outlet <&>' },
    });

    // Act
    const slack = buildSlackMessage(message);

    // Assess
    const texts = allTexts(slack);
    for (const text of texts) {
      expect(text).not.toContain('<script>');
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<@U123>');
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    expect(slack.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt;');
    expect(texts.join('\n')).toContain('Outlet &lt;&amp;&gt;');
  });

  it('links the title as <url|title>, with the URL made safe inside the link syntax', () => {
    const base = deliveryMessage({ channel: slackChannel });
    const message = deliveryMessage({
      channel: slackChannel,
      item: { ...base.item, title: 'Talks <resume> | day 2', link: 'https://news.example.org/a|b?x=1&y=2' },
    });

    const slack = buildSlackMessage(message);

    const first = slack.blocks[0];
    expect(first?.type).toBe('section');
    expect(first?.type === 'section' && first.text.text).toBe(
      '*<https://news.example.org/a%7Cb?x=1&amp;y=2|Talks &lt;resume&gt; | day 2>*',
    );
  });

  it('shows the topics and why they matched, and a plain-text fallback', () => {
    const slack = buildSlackMessage(deliveryMessage({ channel: slackChannel }));

    const why = slack.blocks.at(-1);
    expect(why?.type === 'context' && why.elements[0]?.text).toBe(
      '*UN meeting* (0.92) — matched: Security Council, emergency meeting',
    );
    expect(slack.text).toBe('[UN meeting] Security Council holds emergency meeting on Ukraine (UN News)');
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
  });

  it('keeps non-http links out of the link syntax', () => {
    expect(slackLink('javascript:alert(1)', 'x')).toBe('x');
    expect(slackLink(null, 'a<b')).toBe('a&lt;b');
    expect(escapeSlack('&<>')).toBe('&amp;&lt;&gt;');
  });
});
