import { makeStyles, tokens } from '@fluentui/react-components';

/** Every results table's rows are this tall, header included. */
export const RESULT_ROW_HEIGHT_PX = 36;

/**
 * The look the Computers and Entra ID results tables share: a bordered grid, a header row, rows
 * that highlight under the pointer and mark the active one with a brand bar. Each table adds
 * its own columns (gridTemplateColumns) and scrolling.
 */
export const useResultTableStyles = makeStyles({
  table: {
    display: 'flex',
    flexDirection: 'column',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  header: {
    display: 'grid',
    alignItems: 'center',
    height: `${RESULT_ROW_HEIGHT_PX}px`,
    fontWeight: tokens.fontWeightSemibold,
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  row: {
    display: 'grid',
    alignItems: 'center',
    height: `${RESULT_ROW_HEIGHT_PX}px`,
    cursor: 'default',
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  active: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Selected },
  },
  cell: {
    padding: `0 ${tokens.spacingHorizontalM}`,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  name: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
});
