import type { ReactNode } from 'react';

/**
 * A sideways-scrolling area a keyboard can reach: focusable, named, for content that may be wider
 * than a phone and has no focusable element of its own (a receipt's rows, say). WCAG 2.1.1 —
 * axe's `scrollable-region-focusable`.
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto', maxWidth: '100%' }}>
      {children}
    </div>
  );
}
