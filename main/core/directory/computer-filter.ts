import { AndFilter, EqualityFilter, OrFilter, SubstringFilter, type Filter } from 'ldapts';
import { UsageError } from '../errors/laps-error.js';

// Filters are built as objects, never as strings: a value can hold `*()\` or unicode and still
// only ever match itself. Rendered with toString() they are RFC 4515-escaped.

const IS_COMPUTER = new EqualityFilter({ attribute: 'objectCategory', value: 'computer' });
// NUL and other C0 controls are in no computer, account or DNS name; refusing them early gives a
// clear message instead of a server error.
const CONTROL_CHARACTER = /\p{Cc}/u;
const MAX_NAME_CHARS = 256;

function checkName(text: string, what: string): string {
  const name = text.trim();
  if (name === '') throw new UsageError(`Give a ${what}.`);
  if (name.length > MAX_NAME_CHARS)
    throw new UsageError(
      `That ${what} is longer than any computer name (${MAX_NAME_CHARS} characters at most).`,
    );
  if (CONTROL_CHARACTER.test(name))
    throw new UsageError(
      `That ${what} contains a control character (such as NUL), which no computer name has: retype it.`,
    );
  return name;
}

/**
 * One computer by name: its CN, its sAMAccountName with or without the trailing `$`, or its DNS
 * host name. `*` is not a wildcard here (use search), so `get` can never match more than a name.
 */
export function exactComputerFilter(text: string): Filter {
  const name = checkName(text, 'computer name');
  if (name.includes('*'))
    throw new UsageError(
      'A computer name cannot contain "*": use `lapsctl search` to find computers by pattern.',
    );
  const account = name.endsWith('$') ? name : `${name}$`;
  const alternatives: Filter[] = [
    new EqualityFilter({ attribute: 'sAMAccountName', value: account }),
    new EqualityFilter({ attribute: 'dNSHostName', value: name }),
  ];
  if (!name.endsWith('$')) alternatives.push(new EqualityFilter({ attribute: 'cn', value: name }));
  return new AndFilter({ filters: [IS_COMPUTER, new OrFilter({ filters: alternatives })] });
}

/**
 * Computers whose name, account or DNS name starts with the text; `*` in the text is a wildcard
 * anywhere (`*sales*`, `pc*01`), and then the whole name must match the pattern.
 */
export function computerSearchFilter(text: string): Filter {
  const pattern = checkName(text, 'search text');
  const parts = pattern.split('*');
  const hasWildcard = parts.length > 1;
  const initial = parts[0] ?? '';
  const final = hasWildcard ? (parts.at(-1) ?? '') : '';
  const any = hasWildcard ? parts.slice(1, -1).filter((part) => part !== '') : [];
  if (hasWildcard && initial === '' && final === '' && any.length === 0) {
    return IS_COMPUTER;
  }
  const substring = (attribute: string): Filter =>
    new SubstringFilter({ attribute, initial, any, final });
  const alternatives = [substring('cn'), substring('sAMAccountName'), substring('dNSHostName')];
  return new AndFilter({ filters: [IS_COMPUTER, new OrFilter({ filters: alternatives })] });
}
