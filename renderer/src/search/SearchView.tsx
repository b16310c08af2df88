import {
  Button,
  Caption1,
  SearchBox,
  Spinner,
  Text,
  Title2,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ComputerHit } from '../../../shared/ipc/contract.js';
import { ComputerProperties } from '../computer/ComputerProperties.js';
import { ErrorBar } from '../errors/ErrorBar.js';
import { useConsole } from '../store/index.js';
import { SEARCH_ALL_LIMIT } from '../store/search-slice.js';
import { RecentComputers } from './RecentComputers.js';
import { ResultsTable } from './ResultsTable.js';
import { resultRowMove, useSearchShortcut } from './result-keys.js';

const useStyles = makeStyles({
  view: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  heading: { flexGrow: 1, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  title: { margin: 0 },
  search: { maxWidth: '560px', width: '100%' },
  statusRow: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  status: { minHeight: '24px', color: tokens.colorNeutralForeground3 },
  hint: { color: tokens.colorNeutralForeground3 },
});

export function SearchView() {
  const styles = useStyles();
  const profile = useConsole((state) => state.connection?.profile);
  const server = useConsole((state) => state.connection?.server);
  const namingContext = useConsole((state) => state.connection?.defaultNamingContext);
  const disconnect = useConsole((state) => state.disconnect);
  const searchText = useConsole((state) => state.searchText);
  const setSearchText = useConsole((state) => state.setSearchText);
  const hits = useConsole((state) => state.hits);
  const isTruncated = useConsole((state) => state.isTruncated);
  const status = useConsole((state) => state.searchStatus);
  const error = useConsole((state) => state.searchError);
  const isPropertiesOpen = useConsole((state) => state.openComputer !== null);
  const openProperties = useConsole((state) => state.openComputerProperties);
  const searchAll = useConsole((state) => state.searchAll);
  const searchBox = useRef<HTMLInputElement>(null);
  const [activeIndex, setActiveIndex] = useState(-1);
  // Bumped on every keyboard move, so the row is scrolled into view even when the index is
  // unchanged (Home while already on row 0, but scrolled away from it).
  const [scrollRequest, setScrollRequest] = useState(0);

  // New results: the first row is active, so Enter opens the best match at once.
  useEffect(() => setActiveIndex(hits.length > 0 ? 0 : -1), [hits]);

  // Ctrl+F or "/" (outside a text field) focuses the search box, unless properties are open.
  useSearchShortcut(searchBox, isPropertiesOpen);

  const open = useCallback(
    (hit: ComputerHit) => void openProperties({ name: hit.computer, dn: hit.dn }),
    [openProperties],
  );

  const onResultsKey = useCallback(
    (event: React.KeyboardEvent) => {
      const move = resultRowMove(event, activeIndex, hits.length);
      if (move !== undefined) {
        event.preventDefault();
        setActiveIndex(move);
        setScrollRequest((count) => count + 1);
      } else if (event.key === 'Enter') {
        const hit = hits[activeIndex];
        if (hit) {
          event.preventDefault();
          open(hit);
        }
      }
    },
    [hits, activeIndex, open],
  );

  return (
    <section className={styles.view} aria-labelledby="search-title">
      <div className={styles.header}>
        <div className={styles.heading}>
          <Title2 as="h1" id="search-title" className={styles.title}>
            Find a computer
          </Title2>
          <Caption1>
            {profile} · {server} · {namingContext}
          </Caption1>
        </div>
        <Button onClick={() => void disconnect()}>Disconnect</Button>
      </div>
      <SearchBox
        className={styles.search}
        input={{ ref: searchBox }}
        aria-label="Computer name"
        aria-keyshortcuts="Control+F /"
        aria-controls="computers-found"
        placeholder="Name, account or DNS name: a prefix, or * as a wildcard"
        value={searchText}
        onChange={(_event, data) => setSearchText(data.value)}
        onKeyDown={onResultsKey}
        autoFocus
      />
      <Caption1 className={styles.hint}>
        ↑ ↓ choose · Enter opens · Esc closes · Alt+S shows the password · Ctrl+Shift+C copies it
      </Caption1>
      <div className={styles.statusRow}>
        <div className={styles.status} role="status" aria-live="polite">
          {status === 'searching' && (
            <Spinner size="extra-tiny" label="Searching…" labelPosition="after" />
          )}
          {status === 'done' && (
            <Text>
              {hits.length === 0
                ? 'No computer matches.'
                : `${hits.length.toLocaleString('en-US')} ${hits.length === 1 ? 'computer' : 'computers'}${isTruncated ? ' (the first ones only: refine the search)' : ''}`}
            </Text>
          )}
        </div>
        {status === 'done' && isTruncated && hits.length < SEARCH_ALL_LIMIT && (
          <Button appearance="transparent" size="small" onClick={() => void searchAll()}>
            Show up to {SEARCH_ALL_LIMIT.toLocaleString('en-US')}
          </Button>
        )}
      </div>
      {error && <ErrorBar title="The search failed" error={error} />}
      {searchText.trim() === '' && <RecentComputers />}
      {hits.length > 0 && (
        <ResultsTable
          hits={hits}
          activeIndex={activeIndex}
          scrollRequest={scrollRequest}
          onActiveIndexChange={setActiveIndex}
          onOpen={open}
          onKeyDown={onResultsKey}
        />
      )}
      <ComputerProperties />
    </section>
  );
}
