import {
  Button,
  Caption1,
  SearchBox,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { formatLapsTime, SOURCE_LABELS } from '../format.js';
import { useConsole } from '../store/index.js';
import { ErrorBar } from './ConnectView.js';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  heading: { flexGrow: 1, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  title: { margin: 0 },
  search: { maxWidth: '560px', width: '100%' },
  status: { minHeight: '24px', color: tokens.colorNeutralForeground3 },
  noLaps: { color: tokens.colorNeutralForeground4 },
});

export function SearchView() {
  const styles = useStyles();
  const connection = useConsole((state) => state.connection);
  const disconnect = useConsole((state) => state.disconnect);
  const searchText = useConsole((state) => state.searchText);
  const setSearchText = useConsole((state) => state.setSearchText);
  const hits = useConsole((state) => state.hits);
  const isTruncated = useConsole((state) => state.isTruncated);
  const status = useConsole((state) => state.searchStatus);
  const error = useConsole((state) => state.searchError);
  if (!connection) return null;

  return (
    <section className={styles.view} aria-labelledby="search-title">
      <div className={styles.header}>
        <div className={styles.heading}>
          <Title2 as="h1" id="search-title" className={styles.title}>
            Find a computer
          </Title2>
          <Caption1>
            {connection.profile} · {connection.server} · {connection.defaultNamingContext}
          </Caption1>
        </div>
        <Button onClick={() => void disconnect()}>Disconnect</Button>
      </div>
      <SearchBox
        className={styles.search}
        aria-label="Computer name"
        placeholder="Name, account or DNS name: a prefix, or * as a wildcard"
        value={searchText}
        onChange={(_event, data) => setSearchText(data.value)}
        autoFocus
      />
      <div className={styles.status} role="status" aria-live="polite">
        {status === 'searching' && (
          <Spinner size="extra-tiny" label="Searching…" labelPosition="after" />
        )}
        {status === 'done' && (
          <Text>
            {hits.length === 0
              ? 'No computer matches.'
              : `${hits.length} ${hits.length === 1 ? 'computer' : 'computers'}${isTruncated ? ' (the first ones only: refine the search)' : ''}`}
          </Text>
        )}
      </div>
      {error && <ErrorBar title="The search failed" error={error} />}
      {hits.length > 0 && (
        <Table aria-label="Computers found" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>LAPS</TableHeaderCell>
              <TableHeaderCell>Password expires</TableHeaderCell>
              <TableHeaderCell>DNS name</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {hits.map((hit) => (
              <TableRow key={hit.dn}>
                <TableCell>{hit.computer}</TableCell>
                <TableCell>
                  {hit.source ? (
                    SOURCE_LABELS[hit.source]
                  ) : (
                    <span className={styles.noLaps}>None</span>
                  )}
                </TableCell>
                <TableCell>{formatLapsTime(hit.expires)}</TableCell>
                <TableCell>{hit.dnsHostName ?? '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
