import {
  FluentProvider,
  makeStyles,
  tokens,
  webDarkTheme,
  webLightTheme,
} from '@fluentui/react-components';
import { useConsole } from './store/index.js';
import { usePrefersDark } from './theme.js';
import { ConnectView } from './views/ConnectView.js';
import { SearchView } from './views/SearchView.js';

const useStyles = makeStyles({
  root: {
    minHeight: '100vh',
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXXL}`,
    backgroundColor: tokens.colorNeutralBackground2,
  },
});

export function App() {
  const isDark = usePrefersDark();
  const isConnected = useConsole((state) => state.connection !== null);
  return (
    <FluentProvider theme={isDark ? webDarkTheme : webLightTheme}>
      <Main isConnected={isConnected} />
    </FluentProvider>
  );
}

function Main({ isConnected }: { isConnected: boolean }) {
  const styles = useStyles();
  return <main className={styles.root}>{isConnected ? <SearchView /> : <ConnectView />}</main>;
}
