import { describe, expect, it } from 'vitest';
import { composeAlreadySubscribedEmail, composeConfirmationEmail } from '../../../shared/subscriptions/subscription-emails.ts';

const from = 'News Alerts <alerts@example.org>';
const hostileLabel = 'Talks <script>alert(1)</script> & "more"';
const confirmUrl = 'https://alerts.example.org/confirm?token=a.b&next="x"';

/** The href values of an HTML body, entities decoded as a browser would. */
function hrefs(body: string): string[] {
  return [...body.matchAll(/href="([^"]*)"/g)].map((m) =>
    m[1]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&'),
  );
}

describe('composeConfirmationEmail', () => {
  it('escapes topic labels, cadence and link in the HTML, keeps them as they are in the text', () => {
    // Prepare
    const input = {
      from,
      to: 'reader@example.org',
      confirmUrl,
      expiresAt: new Date('2025-02-25T07:00:00Z'),
      topicLabels: [hostileLabel, 'UN <meeting>'],
      cadenceText: 'a daily digest at 08:00 (Europe/<Berlin>)',
    };

    // Act
    const email = composeConfirmationEmail(input);

    // Assess
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<meeting>');
    expect(email.html).not.toContain('<Berlin>');
    expect(email.html).toContain('Talks &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;, UN &lt;meeting&gt;');
    expect(email.html).toContain('Europe/&lt;Berlin&gt;');
    expect(hrefs(email.html)).toEqual([confirmUrl]);
    expect(email.html).toContain('The link works until 2025-02-25 07:00 UTC.');
    expect(email.text).toContain(`Topics: ${hostileLabel}, UN <meeting>`);
    expect(email.text).toContain(confirmUrl);
  });

  it('is in the email layout, with a Message-ID on the sender domain and no auto-replies', () => {
    const email = composeConfirmationEmail({
      from,
      to: 'r@example.org',
      confirmUrl,
      expiresAt: new Date(),
      topicLabels: ['Talks'],
      cadenceText: 'instant alerts',
    });
    const again = composeConfirmationEmail({
      from,
      to: 'r@example.org',
      confirmUrl,
      expiresAt: new Date(),
      topicLabels: ['Talks'],
      cadenceText: 'instant alerts',
    });

    expect(email.html).toContain('<table role="presentation" class="container" width="600"');
    expect(email.html).toContain('<h1 style="margin:0 0 16px 0;font-size:22px;line-height:1.3">Confirm your subscription</h1>');
    expect(email.messageId).toMatch(/^<confirm-[0-9a-f]{24}@example\.org>$/);
    expect(again.messageId).not.toBe(email.messageId);
    expect(email.headers).toEqual({ 'Auto-Submitted': 'auto-generated' });
  });
});

describe('composeAlreadySubscribedEmail', () => {
  it('escapes the manage link in the HTML and spells it out in the text', () => {
    const manageUrl = 'https://alerts.example.org/manage?token=a&b=<c>';

    const email = composeAlreadySubscribedEmail({ from, to: 'reader@example.org', manageUrl });

    expect(email.html).not.toContain('<c>');
    expect(hrefs(email.html)).toEqual([manageUrl]);
    expect(email.text).toContain(manageUrl);
    expect(email.messageId).toMatch(/^<notice-[0-9a-f]{24}@example\.org>$/);
  });
});
