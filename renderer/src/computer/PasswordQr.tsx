import { makeStyles, tokens } from '@fluentui/react-components';
import { create } from 'qrcode';
import { useMemo } from 'react';

const useStyles = makeStyles({
  // A QR code must stay dark on light to scan, in the dark theme too.
  frame: {
    backgroundColor: '#ffffff',
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusMedium,
    width: 'fit-content',
  },
});

/**
 * The password as a QR code, drawn as SVG rectangles from the module matrix: no data: URL and no
 * innerHTML, so the CSP stays 'self' and nothing is parsed from a string.
 */
export function PasswordQr({ password }: { password: string }) {
  const styles = useStyles();
  const path = useMemo(() => {
    const { modules } = create(password, { errorCorrectionLevel: 'M' });
    let d = '';
    for (let row = 0; row < modules.size; row += 1)
      for (let column = 0; column < modules.size; column += 1)
        if (modules.get(row, column)) d += `M${column + 4} ${row + 4}h1v1h-1z`;
    return { d, size: modules.size + 8 };
  }, [password]);
  return (
    <div className={styles.frame}>
      <svg
        role="img"
        aria-label="QR code of the password"
        viewBox={`0 0 ${path.size} ${path.size}`}
        width={200}
        height={200}
        shapeRendering="crispEdges"
      >
        <rect width={path.size} height={path.size} fill="#ffffff" />
        <path d={path.d} fill="#000000" />
      </svg>
    </div>
  );
}
