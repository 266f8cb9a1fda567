import { describe, expect, it } from 'vitest';
import {
  buildSlackBatchMessage,
  buildSlackMessage,
  checkSlackLimits,
  escapeSlack,
  MAX_STORIES_PER_SLACK_MESSAGE,
  SLACK_LIMITS,
  slackLink,
} from '../../../shared/delivery/slack-message.ts';
import { deliveryMessage, HOSTILE_TITLE } from './fixtures.ts';

const slackChannel = {
  kind: 'webhook' as const,
  channelId: 'slack-1',
  url: 'https://hooks.slack.com/services/T/B/X',
  format: 'slack' as const,
};

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
    expect(why?.type === 'context' && why.elements[0]?.text).toBe('*UN meeting* (0.92) — matched: Security Council, emergency meeting');
    expect(slack.text).toBe('[UN meeting] Security Council holds emergency meeting on Ukraine (UN News)');
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
  });

  it('keeps non-http links out of the link syntax', () => {
    expect(slackLink('javascript:alert(1)', 'x')).toBe('x');
    expect(slackLink(null, 'a<b')).toBe('a&lt;b');
    expect(escapeSlack('&<>')).toBe('&amp;&lt;&gt;');
  });

  it('neutralises mrkdwn formatting marks and spoofing characters in item text, and marks every mrkdwn object verbatim', () => {
    const base = deliveryMessage({ channel: slackChannel });
    const message = deliveryMessage({
      channel: slackChannel,
      item: { ...base.item, title: '*bold* _it_ ~gone~ `code` \u202Egnp.exe', summary: 'see *this*\u200B @here' },
    });

    const slack = buildSlackMessage(message);

    const title = slack.blocks[0]?.type === 'section' ? slack.blocks[0].text.text : '';
    expect(title).toBe(
      `*<${base.item.link!.replace('&', '&amp;')}|\u2217bold\u2217 \u02CDit\u02CD \u223Cgone\u223C \u02CBcode\u02CB gnp.exe>*`,
    );
    expect(slack.text).not.toMatch(/[*_~`\u202E]/);
    expect(JSON.stringify(slack.blocks)).toContain('see \u2217this\u2217 @here');
    for (const block of slack.blocks) {
      if (block.type === 'section') expect(block.text.verbatim).toBe(true);
      if (block.type === 'context') for (const element of block.elements) expect(element.verbatim).toBe(true);
    }
  });
});

describe('buildSlackBatchMessage and Block Kit limits', () => {
  /** A story made to be as large and as hostile as a feed can make it. */
  function hugeStory(n: number) {
    const base = deliveryMessage({ channel: slackChannel });
    const hostile = `${HOSTILE_TITLE} ${n} `;
    return {
      item: {
        ...base.item,
        title: hostile.repeat(40),
        summary: '&<>'.repeat(3000),
        source: '<!here>'.repeat(50),
        link: `https://x.example/${n}?a=<b>|c`,
      },
      topics: base.topics.map((topic) => ({ ...topic, label: '<!everyone>'.repeat(30) })),
      alsoReportedBy: Array.from({ length: 40 }, (_, i) => ({ source: `Outlet <${i}> & co`, link: `https://o${i}.example/<x>` })),
    };
  }

  it('stays within every structural limit with the most stories per message, all hostile', () => {
    const stories = Array.from({ length: MAX_STORIES_PER_SLACK_MESSAGE }, (_, n) => hugeStory(n));

    const message = buildSlackBatchMessage(stories);

    expect(checkSlackLimits(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<!everyone>');
    expect(json).not.toContain('<script>');
    // Links survive cutting: every `<` that opens a link is closed.
    for (const block of message.blocks) {
      const text = block.type === 'section' ? block.text.text : block.type === 'context' ? block.elements.map((e) => e.text).join(' ') : '';
      expect((text.match(/</g) ?? []).length).toBe((text.match(/>/g) ?? []).length);
    }
  });

  it('heads a batch with the story count and separates stories with dividers', () => {
    const base = deliveryMessage({ channel: slackChannel });
    const message = buildSlackBatchMessage([base, { ...base, item: { ...base.item, title: 'Second story' } }]);

    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '2 new stories on your topics', emoji: false } });
    expect(message.blocks.filter((block) => block.type === 'divider')).toHaveLength(1);
    expect(message.text).toMatch(/^2 new stories: /);
  });

  it('names the other outlets of the story', () => {
    const base = deliveryMessage({ channel: slackChannel });
    const message = buildSlackMessage({
      item: base.item,
      topics: base.topics,
      alsoReportedBy: [{ source: 'Agency & Co', link: 'https://agency.example/1' }],
    });

    expect(JSON.stringify(message.blocks)).toContain('Also reported by <https://agency.example/1|Agency &amp; Co>');
  });

  it('refuses an empty batch or one over the cap', () => {
    const base = deliveryMessage({ channel: slackChannel });
    expect(() => buildSlackBatchMessage([])).toThrow(RangeError);
    expect(() => buildSlackBatchMessage(Array.from({ length: MAX_STORIES_PER_SLACK_MESSAGE + 1 }, () => base))).toThrow(RangeError);
  });

  it('reports what breaks the limits', () => {
    const base = buildSlackMessage(deliveryMessage({ channel: slackChannel }));
    const broken = {
      ...base,
      text: '',
      blocks: [
        ...base.blocks,
        { type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'x'.repeat(3001), verbatim: true as const } },
      ],
    };

    expect(checkSlackLimits(broken)).toEqual(
      expect.arrayContaining(['text fallback is empty', expect.stringMatching(/section text is 3001/)]),
    );
  });
});
