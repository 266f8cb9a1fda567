import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { captureStructuredLogs } from './structured-log-capture.ts';

describe('captureStructuredLogs', () => {
  it('keeps JSON lines, hides info, and lets warnings, errors and plain text through', () => {
    // Prepare
    const stream = new PassThrough();
    const shown: string[] = [];
    stream.on('data', (chunk: Buffer) => shown.push(chunk.toString()));
    const capture = captureStructuredLogs(stream as unknown as NodeJS.WriteStream);

    // Act: one line in two writes, as a stream may split it
    stream.write('{"level":"INFO","message":"alert","event":"alert","title":"UN meets"}\n{"level":"WARN",');
    stream.write('"message":"slow feed"}\nplain text\n');
    capture.stop();
    stream.write('{"level":"INFO","message":"after stop"}\n');

    // Assess
    expect(capture.records.map((record) => record.message)).toEqual(['alert', 'slow feed']);
    expect(capture.events('alert')).toEqual([{ level: 'INFO', message: 'alert', event: 'alert', title: 'UN meets' }]);
    expect(capture.problems()).toEqual([{ level: 'WARN', message: 'slow feed' }]);
    expect(shown.join('')).toBe('{"level":"WARN","message":"slow feed"}\nplain text\n{"level":"INFO","message":"after stop"}\n');
  });
});
