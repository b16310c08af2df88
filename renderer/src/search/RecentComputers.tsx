import { Button, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { useConsole } from '../store/index.js';

const useStyles = makeStyles({
  list: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

/** Shown while the search box is empty: the last computers opened, most recent first. */
export function RecentComputers() {
  const styles = useStyles();
  const recent = useConsole((state) => state.recentComputers);
  const open = useConsole((state) => state.openComputerProperties);
  if (recent.length === 0) return null;
  return (
    <section className={styles.section} aria-labelledby="recent-title">
      <Subtitle2 as="h2" id="recent-title">
        Recently opened
      </Subtitle2>
      <ul className={styles.list}>
        {recent.map((computer) => (
          <li key={computer.dn}>
            <Button title={computer.dn} onClick={() => void open(computer)}>
              {computer.name}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
