import {
  FluentProvider,
  Tab,
  TabList,
  makeStyles,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { AuditView } from './audit/AuditView.js';
import { ConnectView } from './connect/ConnectView.js';
import { EntraView } from './entra/EntraView.js';
import { SearchView } from './search/SearchView.js';
import { SettingsView } from './settings/SettingsView.js';
import { useConsole } from './store/index.js';
import { usePrefersDark } from './theme.js';

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    boxSizing: 'border-box',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  nav: {
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXXL} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  main: { padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXXL}` },
});

type Page = 'computers' | 'entra' | 'settings' | 'audit';

export function App() {
  const isDark = usePrefersDark();
  return (
    <FluentProvider theme={isDark ? webDarkTheme : webLightTheme}>
      <Shell />
    </FluentProvider>
  );
}

function Shell() {
  const styles = useStyles();
  const isConnected = useConsole((state) => state.connection !== null);
  const [page, setPage] = useState<Page>('computers');
  const loadEntraStatus = useConsole((state) => state.loadEntraStatus);
  // Who is signed in to Entra ID, from the start: a computer's properties show its Entra record.
  useEffect(() => {
    void loadEntraStatus();
  }, [loadEntraStatus]);
  return (
    <div className={styles.root}>
      <nav className={styles.nav} aria-label="LAPS Console">
        <TabList selectedValue={page} onTabSelect={(_event, data) => setPage(data.value as Page)}>
          <Tab value="computers">Computers</Tab>
          <Tab value="entra">Entra ID</Tab>
          <Tab value="settings">Settings</Tab>
          <Tab value="audit">Audit log</Tab>
        </TabList>
      </nav>
      <main className={styles.main}>
        {page === 'settings' ? (
          <SettingsView />
        ) : page === 'audit' ? (
          <AuditView />
        ) : page === 'entra' ? (
          <EntraView />
        ) : isConnected ? (
          <SearchView />
        ) : (
          <ConnectView />
        )}
      </main>
    </div>
  );
}
