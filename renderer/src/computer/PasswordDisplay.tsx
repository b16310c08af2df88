import { Caption1, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { spellPassword, type CharacterClass } from './phonetic.js';

// The bundled font (see main.tsx): a dotted zero and distinct 1/l/I glyphs.
export const PASSWORD_FONT = "'JetBrains Mono', ui-monospace, monospace";

const useStyles = makeStyles({
  password: {
    fontFamily: PASSWORD_FONT,
    fontSize: '28px',
    lineHeight: '40px',
    letterSpacing: '0.06em',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    overflowWrap: 'anywhere',
    userSelect: 'all',
  },
  masked: { color: tokens.colorNeutralForeground3, userSelect: 'none' },
  // A row of the History view: the same font, sized to sit in a table.
  compact: {
    fontSize: '18px',
    lineHeight: '26px',
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    margin: `${tokens.spacingVerticalXS} 0`,
    // One line in a table cell: a password longer than the column scrolls, never wraps.
    whiteSpace: 'nowrap',
    overflowWrap: 'normal',
    overflowX: 'auto',
  },
  // The mask is 16 dots whatever the password: nothing to scroll.
  maskedCompact: { overflow: 'hidden', letterSpacing: '0' },
  // Palette foregrounds are themed: each keeps its contrast in light and dark.
  upper: { color: tokens.colorPaletteBlueForeground2 },
  lower: { color: tokens.colorNeutralForeground1 },
  digit: { color: tokens.colorPaletteDarkOrangeForeground2, fontWeight: tokens.fontWeightSemibold },
  symbol: { color: tokens.colorPaletteBerryForeground2, fontWeight: tokens.fontWeightSemibold },
  legend: { display: 'flex', gap: tokens.spacingHorizontalM },
  phonetic: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    columns: '2',
    fontSize: tokens.fontSizeBase300,
  },
  phoneticCharacter: { fontFamily: PASSWORD_FONT, display: 'inline-block', minWidth: '1.6em' },
});

export const PASSWORD_LABEL = 'LAPS local admin account password';

interface DisplayOptions {
  /** The accessible name (a hidden one gets " (hidden)"). */
  readonly label?: string;
  readonly isCompact?: boolean;
}

export function MaskedPassword({ label = PASSWORD_LABEL, isCompact = false }: DisplayOptions) {
  const styles = useStyles();
  return (
    <div
      className={mergeClasses(
        styles.password,
        styles.masked,
        isCompact && styles.compact,
        isCompact && styles.maskedCompact,
      )}
      role="textbox"
      aria-readonly="true"
      aria-label={`${label} (hidden)`}
    >
      ••••••••••••••••
    </div>
  );
}

export function RevealedPassword({
  password,
  label = PASSWORD_LABEL,
  isCompact = false,
}: DisplayOptions & { password: string }) {
  const styles = useStyles();
  const classOf: Readonly<Record<CharacterClass, string>> = styles;
  return (
    <div
      className={mergeClasses(styles.password, isCompact && styles.compact)}
      role="textbox"
      aria-readonly="true"
      aria-label={label}
      data-password-display=""
    >
      {spellPassword(password).map((entry, index) => (
        <span key={index} className={classOf[entry.characterClass]}>
          {entry.character}
        </span>
      ))}
    </div>
  );
}

export function CharacterLegend() {
  const styles = useStyles();
  return (
    <Caption1 className={styles.legend} aria-hidden="true">
      <span className={styles.upper}>ABC capital</span>
      <span className={styles.lower}>abc lower</span>
      <span className={styles.digit}>123 digit</span>
      <span className={styles.symbol}>#$% symbol</span>
    </Caption1>
  );
}

/** Read out over the phone: one line per character, in order. */
export function PhoneticSpelling({ password }: { password: string }) {
  const styles = useStyles();
  const classOf: Readonly<Record<CharacterClass, string>> = styles;
  return (
    <ol className={styles.phonetic} aria-label="Phonetic spelling">
      {spellPassword(password).map((entry, index) => (
        <li key={index}>
          <span className={mergeClasses(styles.phoneticCharacter, classOf[entry.characterClass])}>
            {entry.character}
          </span>{' '}
          {entry.spoken}
        </li>
      ))}
    </ol>
  );
}
