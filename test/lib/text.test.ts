import { describe, expect, it } from 'vitest';
import { textField } from '../../src/lib/text';

describe('textField', () => {
  const name = textField({ min: 1, max: 10 });
  const note = textField({ max: 100, multiline: true });

  it('Should trim and NFC-normalise', () => {
    expect(name.parse('  Cafe\u0301 ')).toBe('Café');
    expect(name.parse('Café')).toHaveLength(4);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['BEL', 'a\u0007b'],
    ['a tab', 'a\tb'],
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['ESC', 'a\u001b[31mb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['a line separator', 'a\u2028b'],
  ])('Should refuse %s in a single-line field with the rule control_characters', (_label, value) => {
    const parsed = name.safeParse(value);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ code: 'custom', params: { rule: 'control_characters' } });
  });

  it('Should keep line breaks in a multi-line field, CRLF and CR made LF', () => {
    expect(note.parse('第一行\r\n第二行\r第三行\n')).toBe('第一行\n第二行\n第三行');
  });

  it('Should still refuse other controls in a multi-line field', () => {
    expect(note.safeParse('a\tb').success).toBe(false);
    expect(note.safeParse('a\u0000b').success).toBe(false);
  });

  it('Should bound lengths after trimming', () => {
    expect(name.safeParse('').success).toBe(false);
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('a'.repeat(11)).success).toBe(false);
    expect(name.parse(` ${'a'.repeat(10)} `)).toBe('a'.repeat(10));
  });
});
