import { Body1, Caption1, makeStyles, tokens } from '@fluentui/react-components';
import { formatLapsTime } from '../format.js';
import type { EntraDevice, EntraDeviceDetails } from '../store/entra-slice.js';

const useStyles = makeStyles({
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
  },
  // dl > div > dt + dd: each pair is one row of the grid.
  pair: { display: 'contents' },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  id: { fontFamily: tokens.fontFamilyMonospace, fontWeight: tokens.fontWeightRegular },
});

/** Entra's names for the trustType values Graph returns. */
const JOIN_TYPES: Readonly<Record<string, string>> = {
  AzureAd: 'Microsoft Entra joined',
  ServerAd: 'Microsoft Entra hybrid joined',
  Workplace: 'Microsoft Entra registered',
};

/** The device's directory record, as the Entra admin center lists it. */
export function EntraDeviceFacts({
  device,
  details,
}: {
  device: EntraDevice;
  details: EntraDeviceDetails | null;
}) {
  const styles = useStyles();
  const os = [details?.operatingSystem, details?.operatingSystemVersion].filter(Boolean).join(' ');
  const rows: readonly [string, string, boolean?][] = [
    ['Operating system', os || '—'],
    ['Join type', details?.trustType ? (JOIN_TYPES[details.trustType] ?? details.trustType) : '—'],
    ['Last sign-in', formatLapsTime(details?.approximateLastSignInDateTime ?? null)],
    ['Device ID', device.deviceId, true],
  ];
  return (
    <dl className={styles.facts} aria-label="Device">
      {rows.map(([term, value, isId]) => (
        <div key={term} className={styles.pair}>
          <dt className={styles.term}>
            <Caption1>{term}</Caption1>
          </dt>
          <dd className={styles.value}>
            <Body1 className={isId ? styles.id : undefined}>{value}</Body1>
          </dd>
        </div>
      ))}
    </dl>
  );
}
