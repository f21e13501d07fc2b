// The server's request handling without sockets: arbitrary lines never throw,
// and every answer is well-formed protocol text.

import fc from 'fast-check';
import { NutCommandHandler, type NutConnectionState } from '../../../../hw/ups/nut/serverCommands';
import { splitNutWords } from '../../../../hw/ups/nut/protocol';

const handler = new NutCommandHandler({
  ups: [{ name: 'su' }],
  provider: () => ({ vars: new Map([['ups.status', 'OL'], ['bad name', 'x'], ['ups.alarm', 'line\nbreak']]) }),
  users: { mon: { password: 'pw', upsmon: true } },
});

describe('NutCommandHandler', () => {
  it('answers any line with single-line, parseable protocol text (property)', async () => {
    const word = fc.oneof(fc.constantFrom('LIST', 'GET', 'VAR', 'UPS', 'su', 'ups.status', 'USERNAME', 'LOGIN', 'SET', 'NUMLOGINS', 'TYPE', 'CMD', '"', '\\'), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (words) => {
        const conn: NutConnectionState = { address: 'test' };
        const answer = await handler.handle(words.join(' '), conn);
        for (const line of answer.lines) {
          expect(line).not.toMatch(/[\n\r]/);
          expect(splitNutWords(line).ok).toBe(true);
        }
      }),
    );
  });

  it('never lists a variable it could not be asked for, and flattens control characters', async () => {
    const answer = await handler.handle('LIST VAR su', { address: 'test' });
    expect(answer.lines).toEqual(['BEGIN LIST VAR su', 'VAR su ups.status "OL"', 'VAR su ups.alarm "line break"', 'END LIST VAR su']);
  });
});
